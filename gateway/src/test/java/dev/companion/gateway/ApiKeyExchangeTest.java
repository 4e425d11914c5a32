package dev.companion.gateway;

import dev.companion.gateway.support.UpstreamStandIns;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue #19 item 2: a {@code cmp_} API key is exchanged at auth-service; only auth-service's refusal makes it
 * 401. auth-service down (connection refused) or failing (5xx) is 503 {@code SERVICE_UNAVAILABLE} with
 * {@code Retry-After}, in the seed's envelope, so the client retries instead of discarding a good key.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "redis", value = "true"))
@QuarkusTestResource(UpstreamStandIns.class)
class ApiKeyExchangeTest {

    @Test
    void aGoodKeyIsExchangedAndTheServiceSeesTheJwt() {
        given().header("Authorization", "Bearer cmp_good_first").when().get("/v1/projects")
                .then().statusCode(200)
                .body("service", is("project-service"))
                .body("headers.authorization", startsWith("Bearer ey"))
                .body("headers.authorization", not(is("Bearer cmp_good_first")));
    }

    @Test
    void aKeyAuthServiceRefusesIsUnauthorized() {
        given().header("Authorization", "Bearer cmp_unknown_key").when().get("/v1/projects")
                .then().statusCode(401)
                .body("success", is(false))
                .body("error.code", is("UNAUTHORIZED"));
    }

    @Test
    void authServiceFailingIsServiceUnavailableNotUnauthorized() {
        Response r = given().header("Authorization", "Bearer cmp_broken_key").when().get("/v1/projects");
        assertUnavailable(r);
    }

    @Test
    void authServiceDownIsServiceUnavailableAndAGoodKeyWorksAgainWhenItIsBack() {
        UpstreamStandIns.stopService("auth-service");
        try {
            // a key not exchanged before (nothing cached): auth-service must be asked, and cannot answer
            assertUnavailable(given().header("Authorization", "Bearer cmp_good_while_down").when().get("/v1/projects"));
            // an unknown key is not judged either while auth-service is away
            assertUnavailable(given().header("Authorization", "Bearer cmp_unknown_while_down").when().get("/v1/projects"));
        } finally {
            UpstreamStandIns.startService("auth-service");
        }
        given().header("Authorization", "Bearer cmp_good_while_down").when().get("/v1/projects")
                .then().statusCode(200).body("service", is("project-service"));
        given().header("Authorization", "Bearer cmp_unknown_while_down").when().get("/v1/projects")
                .then().statusCode(401).body("error.code", is("UNAUTHORIZED"));
    }

    private static void assertUnavailable(Response r) {
        r.then().statusCode(503)
                .header("Retry-After", matchesPattern("[1-9][0-9]*"))
                .body("success", is(false))
                .body("error.code", is("SERVICE_UNAVAILABLE"))
                .body("error.details.service", is("auth"))
                .body("requestId", matchesPattern("req_.+"));
        assertEquals("application/json", r.contentType().split(";")[0].trim());
    }
}
