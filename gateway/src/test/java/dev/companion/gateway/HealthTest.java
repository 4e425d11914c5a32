package dev.companion.gateway;

import dev.companion.gateway.support.UpstreamStandIns;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "redis", value = "true"))
@QuarkusTestResource(UpstreamStandIns.class)
class HealthTest {

    @Test
    void readyChecksRealDependencies() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
    }

    @Test
    void aggregatedHealthIsHealthyWhenEveryServiceIsReady() {
        given().when().get("/v1/health").then().statusCode(200)
                .body("status", is("healthy"))
                .body("version", is("1.0.0"))
                .body("timestamp", matchesPattern("\\d{4}-\\d\\d-\\d\\dT.*Z"))
                .body("services.'chat-service'.status", is("UP"))
                .body("services.'auth-service'.status", is("UP"))
                .header("X-Request-Id", matchesPattern("req_.+"))
                .header("X-RateLimit-Limit", notNullValue());
    }

    @Test
    void oneServiceDownMakesTheGatewayDegraded() {
        UpstreamStandIns.stopService("image-service");
        try {
            given().when().get("/v1/health").then().statusCode(503)
                    .body("status", is("degraded"))
                    .body("services.'image-service'.status", is("DOWN"))
                    .body("services.'project-service'.status", is("UP"));
        } finally {
            UpstreamStandIns.startService("image-service");
        }
        given().when().get("/v1/health").then().statusCode(200).body("status", is("healthy"));
    }
}
