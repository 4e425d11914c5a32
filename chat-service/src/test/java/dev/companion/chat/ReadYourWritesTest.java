package dev.companion.chat;

import dev.companion.chat.support.ChatTestSupport.User;
import dev.companion.chat.support.FakeOpenAiResource;
import dev.companion.chat.support.FakeProjectService;
import dev.companion.common.id.Ids;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.companion.chat.support.ChatTestSupport.newUser;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A project chat-service's read model has not seen (project.created still on its way) is asked of
 * project-service with the caller's token: its yes creates the chat and fills the read model, its no is
 * 404, its absence is 503 with Retry-After, never a false 404.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_chat"))
@QuarkusTestResource(FakeOpenAiResource.class)
@QuarkusTestResource(FakeProjectService.class)
class ReadYourWritesTest {

    @Test
    void aProjectOnlyTheOwnerKnowsYetTakesAChatAtOnce() {
        User user = newUser();
        String projectId = Ids.newId("proj");
        FakeProjectService.own(projectId, user.id());
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("name", "First chat"))
                .post("/v1/projects/" + projectId + "/chats")
                .then().statusCode(201).body("data.projectId", is(projectId)).body("data.id", startsWith("chat_"));
        assertEquals(List.of("Bearer " + user.token()), FakeProjectService.authorizationsFor(projectId),
                "asked once, with the caller's own token");
        // now in the read model: the next calls need no owner
        given().auth().oauth2(user.token()).get("/v1/projects/" + projectId + "/chats")
                .then().statusCode(200).body("data.chats.size()", is(1));
        assertEquals(1, FakeProjectService.authorizationsFor(projectId).size());
    }

    @Test
    void theOwnersNoIs404AndAnotherUsersProjectStaysHidden() {
        User owner = newUser();
        User stranger = newUser();
        String projectId = Ids.newId("proj");
        FakeProjectService.own(projectId, owner.id());
        given().auth().oauth2(stranger.token()).contentType(ContentType.JSON).body("{}")
                .post("/v1/projects/" + projectId + "/chats")
                .then().statusCode(404).body("error.code", is("NOT_FOUND")).body("error.details.resource", is("project"));
        given().auth().oauth2(stranger.token()).get("/v1/projects/" + Ids.newId("proj") + "/chats")
                .then().statusCode(404).body("error.code", is("NOT_FOUND"));
    }

    @Test
    void theOwnerDownIs503WithRetryAfterNeverAFalse404() {
        User user = newUser();
        String projectId = Ids.newId("proj");
        FakeProjectService.own(projectId, user.id());
        FakeProjectService.down(true);
        try {
            String retryAfter = given().auth().oauth2(user.token()).contentType(ContentType.JSON).body("{}")
                    .post("/v1/projects/" + projectId + "/chats")
                    .then().statusCode(503).body("success", is(false)).body("error.code", is("SERVICE_UNAVAILABLE"))
                    .body("error.details.service", is("project-service"))
                    .extract().header("Retry-After");
            assertTrue(Integer.parseInt(retryAfter) > 0, "Retry-After " + retryAfter);
        } finally {
            FakeProjectService.down(false);
        }
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body("{}")
                .post("/v1/projects/" + projectId + "/chats").then().statusCode(201);
    }
}
