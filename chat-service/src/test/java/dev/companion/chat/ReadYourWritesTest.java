package dev.companion.chat;

import dev.companion.chat.support.ChatTestSupport.User;
import dev.companion.chat.support.FakeOpenAiResource;
import dev.companion.common.id.Ids;
import dev.companion.testing.FakeOwner;
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
@QuarkusTestResource(value = FakeOwner.class, initArgs = @ResourceArg(name = "owners",
        value = "project-service=/v1/projects/,project-service=/v1/instructions/"))
class ReadYourWritesTest {

    private static final FakeOwner.Resources PROJECTS = FakeOwner.at("/v1/projects/");
    /** {@code GET /v1/instructions/effective?chatId=…}: the fake serves it as the resource "effective". */
    private static final FakeOwner.Resources INSTRUCTIONS = FakeOwner.at("/v1/instructions/");

    private static void own(String projectId, User user) {
        PROJECTS.own(projectId, user.id(), Map.of("name", "Owner's project", "archived", false, "updatedAt", java.time.Instant.now().toString()));
    }

    @Test
    void aProjectOnlyTheOwnerKnowsYetTakesAChatAtOnce() {
        User user = newUser();
        String projectId = Ids.newId("proj");
        own(projectId, user);
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("name", "First chat"))
                .post("/v1/projects/" + projectId + "/chats")
                .then().statusCode(201).body("data.projectId", is(projectId)).body("data.id", startsWith("chat_"));
        assertEquals(List.of("Bearer " + user.token()), PROJECTS.authorizationsFor(projectId),
                "asked once, with the caller's own token");
        // now in the read model: the next calls need no owner
        given().auth().oauth2(user.token()).get("/v1/projects/" + projectId + "/chats")
                .then().statusCode(200).body("data.chats.size()", is(1));
        assertEquals(1, PROJECTS.authorizationsFor(projectId).size());
    }

    @Test
    void theOwnersNoIs404AndAnotherUsersProjectStaysHidden() {
        User owner = newUser();
        User stranger = newUser();
        String projectId = Ids.newId("proj");
        own(projectId, owner);
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
        own(projectId, user);
        PROJECTS.down(true);
        try {
            String retryAfter = given().auth().oauth2(user.token()).contentType(ContentType.JSON).body("{}")
                    .post("/v1/projects/" + projectId + "/chats")
                    .then().statusCode(503).body("success", is(false)).body("error.code", is("SERVICE_UNAVAILABLE"))
                    .body("error.details.service", is("project-service"))
                    .extract().header("Retry-After");
            assertTrue(Integer.parseInt(retryAfter) > 0, "Retry-After " + retryAfter);
        } finally {
            PROJECTS.down(false);
        }
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body("{}")
                .post("/v1/projects/" + projectId + "/chats").then().statusCode(201);
    }

    @Test
    void anInstructionSetWrittenJustBeforeTheMessageIsInItsSystemPrompt() {
        User user = newUser();
        String projectId = Ids.newId("proj");
        own(projectId, user);
        String chatId = given().auth().oauth2(user.token()).contentType(ContentType.JSON).body("{}")
                .post("/v1/projects/" + projectId + "/chats").then().statusCode(201).extract().path("data.id");
        String role = "You answer in haiku only";
        // project-service has the set; project.events has not brought it to chat-service
        INSTRUCTIONS.own("effective", user.id(), Map.of("projectId", projectId, "chatId", chatId, "layers", List.of(Map.of(
                "id", Ids.newId("inst"), "name", "Haiku", "scope", "chat", "mode", "append",
                "instructions", Map.of("role", role), "createdAt", java.time.Instant.now().toString()))));
        try (dev.companion.chat.support.ChatTestSupport.ChatEvents events = new dev.companion.chat.support.ChatTestSupport.ChatEvents()) {
            String answerId = dev.companion.chat.support.ChatTestSupport.send(user, chatId, "Hello").path("answerId").asText();
            String reply = dev.companion.chat.support.ChatTestSupport.ChatEvents.first(
                    events.awaitFor(chatId, e -> dev.companion.chat.support.ChatTestSupport.ChatEvents.has(e, "message.complete", answerId)),
                    "message.complete", answerId).path("data").path("fullContent").asText();
            assertTrue(reply.contains(role.length() + " characters of system prompt"), reply);
        }
    }
}
