package dev.companion.auth;

import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.companion.auth.AuthFlow.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue #16 item 4, auth-service's half: logout and a replayed refresh-token family write the access
 * tokens' ids into the Redis denylist, each until its own expiry (the gateway's half is its RevocationTest).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = {@ResourceArg(name = "database", value = "companion_auth"), @ResourceArg(name = "redis", value = "true")})
class RevocationTest {

    @Inject
    RedisAPI redis;

    private static String jti(String token) throws Exception {
        return BrowserFlowTest.decode(token, 1).get("jti").asText();
    }

    private static long exp(String token) throws Exception {
        return BrowserFlowTest.decode(token, 1).get("exp").asLong();
    }

    private boolean denylisted(String token) throws Exception {
        return redis.exists(List.of("companion:revoked:" + jti(token))).await().indefinitely().toLong() == 1;
    }

    /** Milliseconds the denylist entry lives: until the token would have expired anyway. */
    private long ttl(String token) throws Exception {
        return redis.pttl("companion:revoked:" + jti(token)).await().indefinitely().toLong();
    }

    @Test
    void logoutDenylistsEveryLiveAccessTokenOfTheUserUntilItsExpiry() throws Exception {
        String email = newEmail("logout");
        Tokens laptop = loginNewUser(email);
        Pkce pkce = Pkce.create();
        Tokens phone = exchange(code(email, pkce), pkce);
        Tokens stranger = loginNewUser(newEmail("bystander"));
        assertFalse(denylisted(laptop.accessToken()));

        given().header("Authorization", bearer(laptop.accessToken())).when().post("/v1/auth/logout")
                .then().statusCode(200).body("data.revokedTokens", is(2));

        for (String t : List.of(laptop.accessToken(), phone.accessToken())) {
            assertTrue(denylisted(t));
            long left = ttl(t);
            long expected = exp(t) * 1000 - System.currentTimeMillis();
            assertTrue(left > 0 && Math.abs(left - expected) < 5_000, "entry lives as long as the token: " + left + " vs " + expected);
        }
        assertFalse(denylisted(stranger.accessToken()), "only that user's tokens");
    }

    @Test
    void aReplayedRefreshTokenDenylistsTheWholeFamilysAccessTokens() throws Exception {
        Tokens first = loginNewUser(newEmail("replay"));
        Response rotated = given().contentType("application/json").body(Map.of("refresh_token", first.refreshToken()))
                .when().post("/v1/auth/refresh");
        assertEquals(200, rotated.statusCode(), rotated.asString());
        String second = rotated.path("access_token");
        assertFalse(denylisted(first.accessToken()));

        // the stolen copy of the first refresh token comes back
        given().contentType("application/json").body(Map.of("refresh_token", first.refreshToken()))
                .when().post("/v1/auth/refresh").then().statusCode(400).body("error", is("invalid_grant"));
        assertTrue(denylisted(first.accessToken()));
        assertTrue(denylisted(second));
    }

    @Test
    void revokingARefreshTokenEndsItsAccessTokensToo() throws Exception {
        Tokens t = loginNewUser(newEmail("revoke"));
        given().contentType("application/x-www-form-urlencoded").formParams(Map.of("token", t.refreshToken()))
                .when().post("/v1/auth/revoke").then().statusCode(200);
        assertTrue(denylisted(t.accessToken()));
    }
}
