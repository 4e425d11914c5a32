package dev.companion.system;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The extension's login through the gateway, and the gateway refusing bad tokens. */
@ExtendWith(SystemStack.class)
class AuthThroughGatewayIT {

    @Test
    void browserLoginGivesTokensThatOpenTheApi(ApiClient anonymous) {
        Login.User user = Login.newUser(anonymous, "auth");
        assertTrue(user.accessToken().split("\\.").length == 3, "a JWT");

        ApiClient.Result profile = user.api().get("/v1/user/profile");
        assertEquals(200, profile.status(), profile.raw());
        assertEquals(user.id(), profile.data().path("id").asText());
        assertEquals(user.email(), profile.data().path("email").asText());
        assertNotNull(profile.body().get("requestId"));
        assertNotNull(profile.header("X-Request-Id"));

        ApiClient.Result refreshed = anonymous.post("/v1/auth/refresh", Map.of("refresh_token", user.refreshToken()));
        assertEquals(200, refreshed.status(), refreshed.raw());
        assertEquals("Bearer", refreshed.body().path("token_type").asText());
        assertEquals(3600, refreshed.body().path("expires_in").asInt());
        assertNotEquals(user.refreshToken(), refreshed.body().path("refresh_token").asText(), "rotated");

        ApiClient.Result reused = anonymous.post("/v1/auth/refresh", Map.of("refresh_token", user.refreshToken()));
        assertEquals(400, reused.status(), "a used refresh token is refused: " + reused.raw());
    }

    @Test
    void missingForgedAndTamperedTokensAre401InTheSeedEnvelope(ApiClient anonymous) {
        Login.User user = Login.newUser(anonymous, "forger");
        ApiClient.Result none = anonymous.get("/v1/projects");
        assertUnauthorized(none);

        String[] parts = user.accessToken().split("\\.");
        JsonNode claims = ApiClient.parse(new String(Base64.getUrlDecoder().decode(parts[1])));
        String otherSub = claims.toString().replace(user.id(), "user_01aaaaaaaaaaaaaaaaaaaaaaaa");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(otherSub.getBytes()) + "." + parts[2];
        assertUnauthorized(anonymous.withToken(tampered).get("/v1/projects"));

        String algNone = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes())
                + "." + parts[1] + ".";
        assertUnauthorized(anonymous.withToken(algNone).get("/v1/projects"));
        assertUnauthorized(anonymous.withToken("not-a-jwt").get("/v1/user/profile"));
    }

    static void assertUnauthorized(ApiClient.Result r) {
        assertEquals(401, r.status(), r.raw());
        assertEquals(false, r.body().path("success").asBoolean(true));
        assertEquals("UNAUTHORIZED", r.errorCode(), r.raw());
        assertNotNull(r.body().get("requestId"));
    }
}
