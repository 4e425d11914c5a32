package dev.companion.auth;

import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.companion.auth.AuthFlow.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.*;

/** Refresh tokens rotate on every use; a used one presented again revokes the whole family. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = {@ResourceArg(name = "database", value = "companion_auth"), @ResourceArg(name = "redis", value = "true")})
class RefreshRotationTest {

    private static Response refresh(String token) {
        return given().contentType("application/json").body(Map.of("refresh_token", token)).when().post("/v1/auth/refresh");
    }

    @Test
    void rotationAndReuseDetection() {
        Tokens t = loginNewUser(newEmail("rotate"));
        Response r1 = refresh(t.refreshToken());
        r1.then().statusCode(200);
        String second = r1.path("refresh_token");
        Response r2 = refresh(second);
        r2.then().statusCode(200);
        String third = r2.path("refresh_token");

        // an attacker replays the first (already rotated) token: refused, and the family dies
        refresh(t.refreshToken()).then().statusCode(400).body("error", is("invalid_grant"))
                .body("error_description", containsString("already used"));
        // so the legitimate holder's latest token is revoked too
        refresh(third).then().statusCode(400).body("error", is("invalid_grant"));
    }

    @Test
    void otherSessionsSurviveAReplayInOneFamily() {
        String email = newEmail("families");
        register(email);
        Pkce a = Pkce.create();
        Tokens sessionA = exchange(code(email, a), a);
        Pkce b = Pkce.create();
        Tokens sessionB = exchange(code(email, b), b);
        String next = refresh(sessionA.refreshToken()).path("refresh_token");
        assertNotNull(next);
        refresh(sessionA.refreshToken()).then().statusCode(400);
        refresh(sessionB.refreshToken()).then().statusCode(200);
    }

    @Test
    void formEncodedRefreshGrantOnTheTokenEndpoint() {
        Tokens t = loginNewUser(newEmail("formrefresh"));
        given().contentType("application/x-www-form-urlencoded")
                .formParams(Map.of("grant_type", "refresh_token", "refresh_token", t.refreshToken(), "client_id", CLIENT))
                .when().post("/v1/auth/token")
                .then().statusCode(200).body("token_type", is("Bearer")).body("expires_in", is(3600))
                .body("refresh_token", not(t.refreshToken()));
    }

    @Test
    void refreshCanNarrowButNotWidenTheScope() throws Exception {
        Tokens t = loginNewUser(newEmail("scope"));
        Response narrowed = given().contentType("application/json")
                .body(Map.of("grant_type", "refresh_token", "refresh_token", t.refreshToken(), "scope", "projects"))
                .when().post("/v1/auth/token");
        narrowed.then().statusCode(200);
        assertEquals("projects", BrowserFlowTest.decode(narrowed.path("access_token"), 1).get("scope").asText());
        given().contentType("application/json")
                .body(Map.of("grant_type", "refresh_token", "refresh_token", narrowed.path("refresh_token"), "scope", "projects chats"))
                .when().post("/v1/auth/token").then().statusCode(400).body("error", is("invalid_scope"));
    }

    @Test
    void revokedRefreshTokenStopsWorking() {
        Tokens t = loginNewUser(newEmail("revoke"));
        given().contentType("application/x-www-form-urlencoded")
                .formParams(Map.of("token", t.refreshToken(), "token_type_hint", "refresh_token", "client_id", CLIENT))
                .when().post("/v1/auth/revoke").then().statusCode(200);
        refresh(t.refreshToken()).then().statusCode(400).body("error", is("invalid_grant"));
        // unknown tokens are accepted silently (RFC 7009)
        given().contentType("application/json").body(Map.of("token", "unknown-token"))
                .when().post("/v1/auth/revoke").then().statusCode(200);
    }

    @Test
    void garbageRefreshTokenIsInvalidGrant() {
        refresh("not-a-token").then().statusCode(400).body("error", is("invalid_grant"));
        given().contentType("application/json").body(Map.of()).when().post("/v1/auth/refresh")
                .then().statusCode(400).body("error", is("invalid_request"));
    }
}
