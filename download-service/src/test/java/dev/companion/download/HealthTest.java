package dev.companion.download;

import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_download"))
class HealthTest {

    @Test
    void readyChecksRealDependencies() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", is("UP"))
                .body("checks.find { it.name == 's3' }.status", is("UP"));
    }
}
