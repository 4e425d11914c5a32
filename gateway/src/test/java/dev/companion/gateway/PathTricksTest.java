package dev.companion.gateway;

import dev.companion.gateway.support.RawHttp;
import dev.companion.gateway.support.UpstreamStandIns;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Paths that mean one thing to the gateway's regexes and another to the services: the gateway
 * decides route, token requirement and rate-limit rule on the canonical path and forwards exactly
 * that path (the stand-ins echo the URI they received), or refuses with 400 in the envelope.
 * Requests go out byte for byte ({@link RawHttp}): client libraries would "fix" the paths first.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "redis", value = "true"))
@QuarkusTestResource(UpstreamStandIns.class)
class PathTricksTest {

    @TestHTTPResource("/")
    URI gateway;

    private static String freshUser() {
        return "user_pathtricks" + String.format("%014d", ThreadLocalRandom.current().nextLong(100_000_000_000_000L));
    }

    @Test
    void aDoubledSlashOrAnEscapedLetterCountsAgainstTheImageGenerationLimit() {
        String auth = "Authorization: Bearer " + TestTokens.forUser(freshUser());
        List<String> tricks = List.of("/v1/images//generate", "/v1/images/%67enerate", "/v1//images/./generate", "/v1/images/%67%65nerate/");
        for (int i = 0; i < tricks.size(); i++) {
            RawHttp.Answer a = RawHttp.send(gateway, "POST", tricks.get(i), "{}", auth, "Content-Type: application/json");
            assertEquals(200, a.status(), tricks.get(i) + " " + a.body());
            assertEquals("10", a.header("X-RateLimit-Limit"), tricks.get(i) + " is counted by the images-generate rule");
            assertEquals(Integer.toString(9 - i), a.header("X-RateLimit-Remaining"), "one counter for every spelling");
            String expected = tricks.get(i).endsWith("/") ? "/v1/images/generate/" : "/v1/images/generate";
            assertEquals(expected, a.json().getString("uri"), "the service gets the path the gateway judged");
            assertEquals("image-service", a.json().getString("service"));
        }
    }

    @Test
    void dotSegmentsInsideV1AreResolvedBeforeRoutingAndCounting() {
        String auth = "Authorization: Bearer " + TestTokens.forUser(freshUser());
        RawHttp.Answer a = RawHttp.send(gateway, "GET", "/v1/instructions/../projects?page=2", null, auth);
        assertEquals(200, a.status(), a.body());
        assertEquals("project-service", a.json().getString("service"));
        assertEquals("/v1/projects?page=2", a.json().getString("uri"), "query passed unchanged");
        assertEquals("100", a.header("X-RateLimit-Limit"), "the projects rule, not the 1000/h default");

        RawHttp.Answer escaped = RawHttp.send(gateway, "GET", "/v1/chats/%2e%2e/projects/proj_1/chats", null, auth);
        assertEquals(200, escaped.status(), escaped.body());
        assertEquals("chat-service", escaped.json().getString("service"));
        assertEquals("/v1/projects/proj_1/chats", escaped.json().getString("uri"));
        assertEquals("100", escaped.header("X-RateLimit-Limit"));
    }

    @Test
    void thePublicOrPrivateDecisionIsTakenOnTheCanonicalPath() {
        RawHttp.Answer noToken = RawHttp.send(gateway, "GET", "/v1/auth/../projects", null);
        assertEquals(401, noToken.status(), "/v1/auth/../projects is /v1/projects: a token is needed");
        assertEquals("UNAUTHORIZED", noToken.json().getJsonObject("error").getString("code"));

        RawHttp.Answer publicOne = RawHttp.send(gateway, "GET", "/v1/./auth//login", null);
        assertEquals(200, publicOne.status(), publicOne.body());
        assertEquals("/v1/auth/login", publicOne.json().getString("uri"));
        assertEquals("auth-service", publicOne.json().getString("service"));
    }

    @Test
    void climbingOutOfThePrefixOrHidingSeparatorsIsRefusedInTheEnvelope() {
        String auth = "Authorization: Bearer " + TestTokens.forUser(freshUser());
        List<String[]> refused = List.of(
                new String[]{"/.well-known/../v1/auth/authorize", "escapesPrefix"},
                new String[]{"/v1/../v1/projects", "escapesPrefix"},
                new String[]{"/v1/%2e%2e/%2e%2e/v1/projects", "escapesPrefix"},
                new String[]{"/v1/%2e%2e/q/metrics", "escapesPrefix"},
                new String[]{"/q/health/../../v1/projects", "escapesPrefix"},
                new String[]{"/v1/projects/..%2F..%2Fadmin", "encodedSlash"},
                new String[]{"/v1/images%2Fgenerate", "encodedSlash"},
                new String[]{"/v1/images%5Cgenerate", "encodedBackslash"},
                new String[]{"/v1/projects/proj_1%00", "nul"},
                new String[]{"/v1/images/generate;x=1", "matrixParameter"});
        // (a malformed escape such as %zz never gets this far: the HTTP codec refuses the request line with a bare 400)
        for (String[] c : refused) {
            RawHttp.Answer a = RawHttp.send(gateway, "GET", c[0], null, auth);
            assertEquals(400, a.status(), c[0] + " " + a.body());
            assertTrue(a.body().startsWith("{"), c[0] + " answered outside the envelope: " + a.headers() + " [" + a.body() + "]");
            JsonObject body = a.json();
            assertEquals(false, body.getBoolean("success"));
            assertEquals("VALIDATION_ERROR", body.getJsonObject("error").getString("code"), c[0]);
            assertEquals("path", body.getJsonObject("error").getJsonObject("details").getString("field"), c[0]);
            assertEquals(c[1], body.getJsonObject("error").getJsonObject("details").getString("constraint"), c[0]);
            assertTrue(body.getString("requestId").startsWith("req_"), c[0]);
            assertTrue(body.getString("timestamp").endsWith("Z"), c[0]);
            assertNull(a.header("X-RateLimit-Limit"), "refused before anything is counted");
        }
    }

    @Test
    void pathsAnsweredByTheGatewayItselfAreFoundUnderTheirOtherSpellings() {
        RawHttp.Answer health = RawHttp.send(gateway, "GET", "/v1//health", null);
        assertTrue(health.status() == 200 || health.status() == 503, health.status() + " " + health.body());
        assertTrue(health.json().containsKey("services"), health.body());
        assertEquals("1000", health.header("X-RateLimit-Limit"));
    }
}
