package dev.companion.gateway;

import dev.companion.gateway.support.UpstreamStandIns;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test profile limits {@code /v1/images/analyze} to 3 per minute; {@code /v1/auth/**} keeps 10 per 5 min per IP. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "redis", value = "true"))
@QuarkusTestResource(UpstreamStandIns.class)
class RateLimitTest {

    @Test
    void headersCountDownThenA429WithRetryAfter() {
        String token = TestTokens.forUser("user_ratelimit0000000000000001");
        long now = System.currentTimeMillis() / 1000;
        for (int i = 1; i <= 3; i++) {
            Response r = given().header("Authorization", "Bearer " + token).when().post("/v1/images/analyze");
            r.then().statusCode(200).body("service", is("image-service"));
            assertEquals("3", r.header("X-RateLimit-Limit"));
            assertEquals(Integer.toString(3 - i), r.header("X-RateLimit-Remaining"));
            long reset = Long.parseLong(r.header("X-RateLimit-Reset"));
            long resetAfter = Long.parseLong(r.header("X-RateLimit-Reset-After"));
            assertTrue(reset >= now && reset <= now + 61, "reset " + reset);
            assertTrue(resetAfter > 0 && resetAfter <= 60, "reset-after " + resetAfter);
        }
        Response refused = given().header("Authorization", "Bearer " + token).when().post("/v1/images/analyze");
        refused.then().statusCode(429)
                .body("success", is(false))
                .body("error.code", is("RATE_LIMIT"));
        assertEquals("0", refused.header("X-RateLimit-Remaining"));
        int retryAfter = Integer.parseInt(refused.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "retry-after " + retryAfter);

        // counted per user: someone else still gets through, and other rules keep their own budget
        given().header("Authorization", "Bearer " + TestTokens.forUser("user_ratelimit0000000000000002"))
                .when().post("/v1/images/analyze").then().statusCode(200).header("X-RateLimit-Remaining", is("2"));
        given().header("Authorization", "Bearer " + token).when().get("/v1/projects")
                .then().statusCode(200).header("X-RateLimit-Limit", is("100")).header("X-RateLimit-Remaining", is("99"));
        given().header("Authorization", "Bearer " + token).when().get("/v1/chats/chat_1/messages")
                .then().statusCode(200).header("X-RateLimit-Limit", is("50"));
        given().header("Authorization", "Bearer " + token).when().get("/v1/chats")
                .then().statusCode(200).header("X-RateLimit-Limit", is("1000"));
    }

    @Test
    void theProPlanMultipliesTheLimit() {
        String pro = TestTokens.token("user_ratelimitpro00000000000001", "pro", Set.of("user"), Duration.ofHours(1));
        given().header("Authorization", "Bearer " + pro).when().post("/v1/images/analyze")
                .then().statusCode(200).header("X-RateLimit-Limit", is("15")).header("X-RateLimit-Remaining", is("14"));
    }

    @Test
    void authIsCountedPerClientIpWhateverTheToken() {
        String ip = "203.0.113." + (1 + (int) (Math.random() * 200));
        for (int i = 1; i <= 10; i++) {
            String token = TestTokens.forUser("user_authlimit00000000000000" + (i % 10));
            given().header("X-Forwarded-For", ip).header("Authorization", "Bearer " + token)
                    .when().post("/v1/auth/token")
                    .then().statusCode(200).header("X-RateLimit-Limit", is("10"))
                    .header("X-RateLimit-Remaining", is(Integer.toString(10 - i)));
        }
        given().header("X-Forwarded-For", ip).when().post("/v1/auth/token")
                .then().statusCode(429).body("error.code", is("RATE_LIMIT"));
        // another address has its own budget
        given().header("X-Forwarded-For", "198.51.100.9").when().post("/v1/auth/token").then().statusCode(200);
    }
}
