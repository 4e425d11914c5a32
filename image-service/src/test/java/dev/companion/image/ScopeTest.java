package dev.companion.image;

import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

/** Issue #16: image-service enforces the `images` scope itself, behind the gateway's check. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_image"))
class ScopeTest {

    private static final String USER = "user_scopetestimage00000000";

    @Test
    void aTokenWithoutTheScopeIsForbiddenInTheEnvelope() {
        given().header("Authorization", "Bearer " + TestTokens.withScope(USER, "downloads"))
                .when().get("/v1/images").then().statusCode(403)
                .body("success", is(false))
                .body("error.code", is("FORBIDDEN"))
                .body("error.details.requiredScope", is("images"));
        given().header("Authorization", "Bearer " + TestTokens.withScope(USER, ""))
                .when().get("/v1/images").then().statusCode(403)
                .body("error.details.requiredScope", is("images"));
    }

    @Test
    void theScopeAloneIsEnough() {
        given().header("Authorization", "Bearer " + TestTokens.withScope(USER, "images"))
                .when().get("/v1/images").then().statusCode(200).body("success", is(true));
    }

    @Test
    void noTokenIsStillUnauthorized() {
        given().when().get("/v1/images").then().statusCode(401).body("error.code", is("UNAUTHORIZED"));
    }
}
