package dev.companion.image;

import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static dev.companion.image.ImageTestSupport.queryLong;
import static dev.companion.image.ImageTestSupport.user;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_image"))
class GenerationValidationTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{}                                                        | prompt          | required",
            "{\"prompt\":\"   \"}                                      | prompt          | required",
            "{\"prompt\":\"x\",\"options\":{\"size\":\"512x512\"}}     | options.size    | pattern",
            "{\"prompt\":\"x\",\"options\":{\"quality\":\"ultra\"}}    | options.quality | pattern",
            "{\"prompt\":\"x\",\"options\":{\"style\":\"comic\"}}      | options.style   | pattern",
            "{\"prompt\":\"x\",\"options\":{\"n\":0}}                  | options.n       | min",
            "{\"prompt\":\"x\",\"options\":{\"n\":5}}                  | options.n       | max",
            "{\"prompt\":\"x\",\"options\":{\"n\":\"two\"}}            | options.n       | type",
            "{\"prompt\":\"x\",\"options\":{\"model\":\"midjourney\"}} | options.model   | enum",
            "{\"prompt\":\"x\",\"options\":{\"colour\":\"red\"}}       | options.colour  | unknownField",
            "{\"prompt\":\"x\",\"chatId\":\"not a chat\"}              | chatId          | pattern",
    })
    void badOptionsAreRefusedAndChangeNothing(String body, String field, String constraint) throws Exception {
        String u = user();
        given().auth().oauth2(TestTokens.forUser(u)).contentType("application/json").body(body)
                .post("/v1/images/generate").then().statusCode(400)
                .body("success", is(false))
                .body("error.code", is("VALIDATION_ERROR"))
                .body("error.details.field", is(field))
                .body("error.details.constraint", is(constraint));
        assertEquals(0, queryLong("SELECT count(*) FROM image_generation WHERE user_id = ?", u));
    }

    @Test
    void limitsAreNamedInTheError() {
        String token = TestTokens.forUser(user());
        given().auth().oauth2(token).contentType("application/json").body("{\"prompt\":\"x\",\"options\":{\"n\":9}}")
                .post("/v1/images/generate").then().statusCode(400).body("error.details.value", is(4));
        given().auth().oauth2(token).contentType("application/json").body("{\"prompt\":\"" + "a".repeat(4001) + "\"}")
                .post("/v1/images/generate").then().statusCode(400)
                .body("error.details.field", is("prompt")).body("error.details.constraint", is("maxLength"))
                .body("error.details.value", is(4000));
        given().auth().oauth2(token).contentType("application/json").body("{\"prompt\":")
                .post("/v1/images/generate").then().statusCode(400).body("error.code", is("VALIDATION_ERROR"));
    }

    @Test
    void unknownChatIsNotFound() throws Exception {
        String u = user();
        given().auth().oauth2(TestTokens.forUser(u)).contentType("application/json")
                .body("{\"prompt\":\"x\",\"chatId\":\"chat_doesnotexist\"}")
                .post("/v1/images/generate").then().statusCode(404).body("error.code", is("NOT_FOUND"));
        assertEquals(0, queryLong("SELECT count(*) FROM image_generation WHERE user_id = ?", u));
    }

    @Test
    void listParametersAreValidated() {
        String token = TestTokens.forUser(user());
        given().auth().oauth2(token).get("/v1/images?limit=101").then().statusCode(400)
                .body("error.details.field", is("limit")).body("error.details.value", is(100));
        given().auth().oauth2(token).get("/v1/images?page=0").then().statusCode(400).body("error.details.field", is("page"));
        given().auth().oauth2(token).get("/v1/images?sort=bytes").then().statusCode(400).body("error.details.field", is("sort"));
        given().auth().oauth2(token).get("/v1/images?order=up").then().statusCode(400).body("error.details.field", is("order"));
        given().auth().oauth2(token).get("/v1/images").then().statusCode(200)
                .body("data.images", empty()).body("data.pagination.total", is(0));
        given().auth().oauth2(token).get("/v1/images/generate/img_gen_01aaaaaaaaaaaaaaaaaaaaaaaa").then().statusCode(404);
    }
}
