package dev.companion.chat;

import dev.companion.chat.support.FakeOpenAiResource;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

/** Issue #16: chat-service enforces the `chats` scope itself, behind the gateway's check. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_chat"))
@QuarkusTestResource(FakeOpenAiResource.class)
class ScopeTest {

    private static final String USER = "user_scopetestchat00000000";

    @Test
    void aTokenWithoutTheScopeIsForbiddenInTheEnvelope() {
        given().header("Authorization", "Bearer " + TestTokens.withScope(USER, "projects"))
                .when().get("/v1/chats/chat_doesnotexist000000000000").then().statusCode(403)
                .body("success", is(false))
                .body("error.code", is("FORBIDDEN"))
                .body("error.details.requiredScope", is("chats"));
        given().header("Authorization", "Bearer " + TestTokens.withScope(USER, ""))
                .when().get("/v1/chats/chat_doesnotexist000000000000").then().statusCode(403)
                .body("error.details.requiredScope", is("chats"));
    }

    @Test
    void theScopeAloneIsEnough() {
        // past the scope check: the service itself answers (an unknown chat is 404, not 403)
        given().header("Authorization", "Bearer " + TestTokens.withScope(USER, "chats"))
                .when().get("/v1/chats/chat_doesnotexist000000000000").then().statusCode(404).body("error.code", is("NOT_FOUND"));
    }

    @Test
    void noTokenIsStillUnauthorized() {
        given().when().get("/v1/chats/chat_doesnotexist000000000000").then().statusCode(401).body("error.code", is("UNAUTHORIZED"));
    }
}
