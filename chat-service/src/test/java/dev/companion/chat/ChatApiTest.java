package dev.companion.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.chat.support.ChatTestSupport.ChatEvents;
import dev.companion.chat.support.ChatTestSupport.User;
import dev.companion.chat.support.FakeOpenAiResource;
import dev.companion.common.id.Ids;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.companion.chat.support.ChatTestSupport.createChat;
import static dev.companion.chat.support.ChatTestSupport.createProject;
import static dev.companion.chat.support.ChatTestSupport.newUser;
import static dev.companion.chat.support.ChatTestSupport.publishProjectEvent;
import static dev.companion.chat.support.ChatTestSupport.send;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Chats of a project: the seed's CRUD, validation, filters, ownership, and project.deleted. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_chat"))
@QuarkusTestResource(FakeOpenAiResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatApiTest {

    private ChatEvents events;

    @BeforeAll
    void openEvents() {
        events = new ChatEvents();
    }

    @AfterAll
    void closeEvents() {
        events.close();
    }

    @Test
    void createReadUpdateDeleteAsTheSeedShows() {
        User user = newUser();
        String projectId = createProject(user);
        String chatId = given().auth().oauth2(user.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "API Integration Discussion", "model", "gpt-4",
                        "settings", Map.of("temperature", 0.7, "maxTokens", 2000, "topP", 1, "frequencyPenalty", 0, "presencePenalty", 0),
                        "systemMessage", "You are a helpful API integration expert"))
                .post("/v1/projects/" + projectId + "/chats")
                .then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.containsString("/v1/chats/chat_"))
                .body("success", is(true))
                .body("data.id", startsWith("chat_"))
                .body("data.projectId", is(projectId))
                .body("data.name", is("API Integration Discussion"))
                .body("data.model", is("gpt-4"))
                .body("data.settings.temperature", is(0.7f))
                .body("data.settings.maxTokens", is(2000))
                .body("data.messageCount", is(0))
                .body("data.archived", is(false))
                .body("data.createdAt", endsWith("Z"))
                .body("requestId", startsWith("req_"))
                .extract().path("data.id");

        given().auth().oauth2(user.token()).get("/v1/chats/" + chatId).then().statusCode(200)
                .body("data.systemMessage", is("You are a helpful API integration expert"));

        given().auth().oauth2(user.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "Updated Chat Name", "archived", true, "settings", Map.of("temperature", 1.5)))
                .put("/v1/chats/" + chatId).then().statusCode(200)
                .body("data.name", is("Updated Chat Name"))
                .body("data.archived", is(true))
                .body("data.settings.temperature", is(1.5f))
                .body("data.settings.maxTokens", is(2000))
                .body("data.model", is("gpt-4"));

        List<JsonNode> evts = events.awaitFor(chatId, e -> e.stream().anyMatch(x -> x.path("type").asText().equals("chat.updated")
                && x.path("data").path("archived").asBoolean()));
        assertEquals("chat.created", evts.get(0).path("type").asText());
        assertEquals(user.id(), evts.get(0).path("data").path("userId").asText());
        assertEquals(projectId, evts.get(0).path("data").path("projectId").asText());

        given().auth().oauth2(user.token()).delete("/v1/chats/" + chatId).then().statusCode(200).body("success", is(true));
        given().auth().oauth2(user.token()).get("/v1/chats/" + chatId).then().statusCode(404).body("error.code", is("NOT_FOUND"));
        events.awaitFor(chatId, e -> ChatEvents.has(e, "chat.deleted", null));
    }

    @Test
    void defaultsAreTheOfflineModelAndANeutralName() {
        User user = newUser();
        String projectId = createProject(user);
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body("{}")
                .post("/v1/projects/" + projectId + "/chats").then().statusCode(201)
                .body("data.model", is("offline-echo")).body("data.name", is("New chat"));
    }

    @Test
    void badInputIsAFieldLevelValidationErrorAndChangesNothing() {
        User user = newUser();
        String projectId = createProject(user);
        String url = "/v1/projects/" + projectId + "/chats";
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("model", "gpt-17"))
                .post(url).then().statusCode(400)
                .body("error.code", is("VALIDATION_ERROR")).body("error.details.field", is("model"))
                .body("error.details.value", hasItem("offline-echo"));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("settings", Map.of("temperature", 2.5)))
                .post(url).then().statusCode(400)
                .body("error.details.field", is("settings.temperature")).body("error.details.constraint", is("max"));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("settings", Map.of("topP", -0.1)))
                .post(url).then().statusCode(400).body("error.details.field", is("settings.topP"));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("settings", Map.of("presencePenalty", 3)))
                .post(url).then().statusCode(400).body("error.details.field", is("settings.presencePenalty"));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("model", "gpt-4", "settings", Map.of("maxTokens", 5000)))
                .post(url).then().statusCode(400)
                .body("error.details.field", is("settings.maxTokens")).body("error.details.value", is(4096));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("name", ""))
                .post(url).then().statusCode(400).body("error.details.field", is("name"));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("colour", "red"))
                .post(url).then().statusCode(400).body("error.code", is("VALIDATION_ERROR"));
        given().auth().oauth2(user.token()).get(url).then().statusCode(200).body("data.chats", hasSize(0))
                .body("data.pagination.total", is(0));
        given().auth().oauth2(user.token()).queryParam("limit", 101).get(url).then().statusCode(400)
                .body("error.details.field", is("limit"));

        String chatId = createChat(user, projectId, Map.of());
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("content", "   "))
                .post("/v1/chats/" + chatId + "/messages").then().statusCode(400).body("error.details.field", is("content"));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("content", "hi", "parentId", "msg_unknown"))
                .post("/v1/chats/" + chatId + "/messages").then().statusCode(400).body("error.details.field", is("parentId"));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("prompts", List.of(Map.of("content", "x")), "mode", "random"))
                .post("/v1/chats/" + chatId + "/messages/batch").then().statusCode(400).body("error.details.field", is("mode"));
        given().auth().oauth2(user.token()).get("/v1/chats/" + chatId + "/messages").then().statusCode(200)
                .body("data.messages", hasSize(0)).body("data.pagination.total", is(0));
    }

    @Test
    void listFiltersArchivedAndStarredAndPaginates() {
        User user = newUser();
        String projectId = createProject(user);
        String a = createChat(user, projectId, Map.of("name", "a"));
        String b = createChat(user, projectId, Map.of("name", "b", "starred", true));
        String c = createChat(user, projectId, Map.of("name", "c"));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("archived", true)).put("/v1/chats/" + c).then().statusCode(200);
        String url = "/v1/projects/" + projectId + "/chats";
        given().auth().oauth2(user.token()).get(url).then().statusCode(200)
                .body("data.chats.id", is(List.of(b, a))).body("data.pagination.total", is(2)).body("data.pagination.pages", is(1));
        given().auth().oauth2(user.token()).queryParam("archived", true).get(url).then().body("data.chats.id", is(List.of(c)));
        given().auth().oauth2(user.token()).queryParam("starred", true).get(url).then().body("data.chats.id", is(List.of(b)));
        given().auth().oauth2(user.token()).queryParam("limit", 1).queryParam("page", 2).get(url).then()
                .body("data.chats.id", is(List.of(a))).body("data.pagination.pages", is(2)).body("data.pagination.page", is(2));
    }

    @Test
    void anotherUsersProjectAndChatAre404Everywhere() {
        User owner = newUser();
        User other = newUser();
        String projectId = createProject(owner);
        String chatId = createChat(owner, projectId, Map.of());
        JsonNode prompt = send(owner, chatId, "mine");
        String answerId = prompt.path("answerId").asText();
        events.awaitFor(chatId, e -> ChatEvents.has(e, "message.complete", answerId));
        createProject(other); // the other user exists and has projects of their own

        String t = other.token();
        given().auth().oauth2(t).contentType(ContentType.JSON).body("{}").post("/v1/projects/" + projectId + "/chats").then().statusCode(404);
        given().auth().oauth2(t).get("/v1/projects/" + projectId + "/chats").then().statusCode(404);
        given().auth().oauth2(t).get("/v1/chats/" + chatId).then().statusCode(404).body("error.code", is("NOT_FOUND"));
        given().auth().oauth2(t).contentType(ContentType.JSON).body(Map.of("name", "mine now")).put("/v1/chats/" + chatId).then().statusCode(404);
        given().auth().oauth2(t).delete("/v1/chats/" + chatId).then().statusCode(404);
        given().auth().oauth2(t).get("/v1/chats/" + chatId + "/messages").then().statusCode(404);
        given().auth().oauth2(t).get("/v1/chats/" + chatId + "/messages/" + answerId).then().statusCode(404);
        given().auth().oauth2(t).contentType(ContentType.JSON).body(Map.of("content", "hi")).post("/v1/chats/" + chatId + "/messages").then().statusCode(404);
        given().auth().oauth2(t).contentType(ContentType.JSON).accept("text/event-stream").body(Map.of("content", "hi"))
                .post("/v1/chats/" + chatId + "/messages").then().statusCode(404).body("error.code", is("NOT_FOUND"));
        given().auth().oauth2(t).contentType(ContentType.JSON).body(Map.of("prompts", List.of(Map.of("content", "x"))))
                .post("/v1/chats/" + chatId + "/messages/batch").then().statusCode(404);
        given().auth().oauth2(t).post("/v1/chats/" + chatId + "/messages/" + answerId + "/cancel").then().statusCode(404);
        given().auth().oauth2(t).post("/v1/chats/" + chatId + "/messages/" + answerId + "/regenerate").then().statusCode(404);
        given().auth().oauth2(t).get("/v1/chats/" + chatId + "/stream-status").then().statusCode(404);
        // nothing changed for the owner
        given().auth().oauth2(owner.token()).get("/v1/chats/" + chatId).then().statusCode(200).body("data.messageCount", is(2));
        // no token at all
        given().get("/v1/chats/" + chatId).then().statusCode(401).body("error.code", is("UNAUTHORIZED"));
        given().auth().oauth2(TestTokens.expired(owner.id())).get("/v1/chats/" + chatId).then().statusCode(401);
        // an unknown project is 404 as well
        given().auth().oauth2(owner.token()).contentType(ContentType.JSON).body("{}")
                .post("/v1/projects/" + Ids.newId("proj") + "/chats").then().statusCode(404).body("error.details", notNullValue());
    }

    @Test
    void deletingTheProjectRemovesItsChatsAndMessages() {
        User user = newUser();
        String projectId = createProject(user);
        String chatId = createChat(user, projectId, Map.of());
        String answerId = send(user, chatId, "soon gone").path("answerId").asText();
        events.awaitFor(chatId, e -> ChatEvents.has(e, "message.complete", answerId));

        publishProjectEvent(projectId, "project.deleted", user.id(), Map.of("id", projectId, "userId", user.id()));
        await().atMost(Duration.ofSeconds(20)).until(() -> given().auth().oauth2(user.token()).get("/v1/chats/" + chatId).statusCode() == 404);
        List<JsonNode> evts = events.awaitFor(chatId, e -> ChatEvents.has(e, "chat.deleted", null));
        JsonNode deleted = ChatEvents.first(evts, "chat.deleted", null).path("data");
        assertEquals(projectId, deleted.path("projectId").asText());
        given().auth().oauth2(user.token()).get("/v1/projects/" + projectId + "/chats").then().statusCode(404);
        given().auth().oauth2(user.token()).get("/v1/chats/" + chatId + "/messages/" + answerId).then().statusCode(404)
                .body("error.details.resource", is("chat"));
    }
}
