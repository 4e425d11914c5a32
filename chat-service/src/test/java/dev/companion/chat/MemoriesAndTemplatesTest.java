package dev.companion.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.chat.support.ChatTestSupport.User;
import dev.companion.chat.support.FakeImageService;
import dev.companion.chat.support.FakeOpenAiResource;
import dev.companion.chat.support.FakeOpenAiServer.Received;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.companion.chat.support.ChatTestSupport.JSON;
import static dev.companion.chat.support.ChatTestSupport.createChat;
import static dev.companion.chat.support.ChatTestSupport.createProject;
import static dev.companion.chat.support.ChatTestSupport.messages;
import static dev.companion.chat.support.ChatTestSupport.newUser;
import static dev.companion.chat.support.ChatTestSupport.send;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #18 items 4 and 5 in chat-service: memories reach the OpenAI wire fake in the system prompt after the
 * instruction layers, within their token budget (60 here, {@link FakeImageService} sets it), and obey their
 * switches; templates are expanded server side, missing variables refused naming them; BOLA and bad input.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_chat"))
@QuarkusTestResource(FakeOpenAiResource.class)
@QuarkusTestResource(FakeImageService.class)
class MemoriesAndTemplatesTest {

    private static final String FAKE = "fake-gpt";

    @Test
    void memoriesGoIntoTheSystemPromptAfterTheChatsSystemMessageNewestKeptWithinTheBudget() {
        User user = newUser();
        String oldest = memory(user, "Oldest memory: the user lives in Lisbon.");
        memory(user, "fact ".repeat(45).strip());
        String off = memory(user, "Switched off: the user likes jazz.");
        String newest = memory(user, "Newest memory: the user prefers Kotlin.");
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("enabled", false))
                .patch("/v1/memories/" + off).then().statusCode(200).body("data.enabled", is(false));

        JsonNode list = data(given().auth().oauth2(user.token()).get("/v1/memories").then().statusCode(200).extract().response());
        assertEquals(4, list.path("memories").size());
        assertEquals(newest, list.path("memories").get(0).path("id").asText(), "newest first");
        assertTrue(list.path("enabled").asBoolean());
        assertEquals(60, list.path("tokenBudget").asInt());
        assertTrue(list.path("tokensUsed").asInt() > 0 && list.path("tokensUsed").asInt() <= 60, list.toString());

        String chatId = createChat(user, createProject(user), Map.of("name", "Memories", "model", FAKE,
                "systemMessage", "You are terse."));
        String system = systemPromptFor(user, chatId, "MEMO-1 what do you know about me?");
        assertTrue(system.startsWith("You are terse.\n\nMemories (facts the user asked you to remember):\n"), system);
        assertTrue(system.contains("- fact fact"), system);
        assertTrue(system.contains("- Newest memory: the user prefers Kotlin."), system);
        assertTrue(system.indexOf("- fact fact") < system.indexOf("- Newest memory"), "kept memories oldest first: " + system);
        assertFalse(system.contains("Lisbon"), "the oldest memory is over the budget: " + system);
        assertFalse(system.contains("jazz"), "a switched-off memory is left out: " + system);

        // the oldest goes back in when a newer one is deleted
        given().auth().oauth2(user.token()).delete("/v1/memories/" + list.path("memories").get(2).path("id").asText())
                .then().statusCode(200);
        assertTrue(systemPromptFor(user, chatId, "MEMO-2 again").contains("Lisbon"));

        // memories off as a whole: none in the prompt
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("enabled", false))
                .put("/v1/memories/settings").then().statusCode(200).body("data.enabled", is(false));
        given().auth().oauth2(user.token()).get("/v1/memories/settings").then().statusCode(200).body("data.enabled", is(false));
        assertEquals("You are terse.", systemPromptFor(user, chatId, "MEMO-3 and now?"));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("enabled", true))
                .put("/v1/memories/settings").then().statusCode(200);
        assertTrue(systemPromptFor(user, chatId, "MEMO-4 back on").contains("Kotlin"));
        assertTrue(oldest.startsWith("mem_"));
    }

    @Test
    void memoryRoutesAnswerNotFoundForAnotherUsersMemoryAndRefuseBadInputChangingNothing() {
        User owner = newUser();
        User other = newUser();
        String id = memory(owner, "The user is a pilot.");
        given().auth().oauth2(other.token()).get("/v1/memories/" + id).then().statusCode(404).body("error.code", is("NOT_FOUND"));
        given().auth().oauth2(other.token()).contentType(ContentType.JSON).body(Map.of("enabled", false))
                .patch("/v1/memories/" + id).then().statusCode(404);
        given().auth().oauth2(other.token()).delete("/v1/memories/" + id).then().statusCode(404);
        given().auth().oauth2(other.token()).delete("/v1/memories").then().statusCode(200).body("data.deleted", is(0));

        given().auth().oauth2(owner.token()).contentType(ContentType.JSON).body(Map.of("content", "  "))
                .post("/v1/memories").then().statusCode(400).body("error.code", is("VALIDATION_ERROR"))
                .body("error.details.field", is("content"));
        given().auth().oauth2(owner.token()).contentType(ContentType.JSON).body(Map.of("content", "x".repeat(2001)))
                .post("/v1/memories").then().statusCode(400).body("error.details.field", is("content"));
        given().auth().oauth2(owner.token()).contentType(ContentType.JSON).body(Map.of("content", " "))
                .patch("/v1/memories/" + id).then().statusCode(400).body("error.details.field", is("content"));
        given().auth().oauth2(owner.token()).contentType(ContentType.JSON).body(Map.of())
                .put("/v1/memories/settings").then().statusCode(400).body("error.details.field", is("enabled"));

        given().auth().oauth2(owner.token()).get("/v1/memories/" + id).then().statusCode(200)
                .body("data.content", is("The user is a pilot.")).body("data.enabled", is(true));
        given().auth().oauth2(owner.token()).get("/v1/memories").then().statusCode(200).body("data.memories.size()", is(1));
        given().auth().oauth2(owner.token()).delete("/v1/memories").then().statusCode(200).body("data.deleted", is(1));
        given().auth().oauth2(owner.token()).get("/v1/memories/" + id).then().statusCode(404);
    }

    @Test
    void aTemplateIsExpandedServerSideWithDefaultsAndTheContentSlot() {
        User user = newUser();
        String tpl = template(user, Map.of("name", "explanation", "description", "Explain a topic",
                "body", "Explain {{topic}} for a {{level}} reader.\n{{content}}",
                "variables", List.of(Map.of("name", "topic", "description", "what to explain"),
                        Map.of("name", "level", "default", "beginner"))));
        String chatId = createChat(user, createProject(user), Map.of("name", "Templates", "model", FAKE));

        JsonNode prompt = sendWith(user, chatId, Map.of("content", "TPL-1 keep it short",
                "metadata", Map.of("template", tpl, "variables", Map.of("topic", "React hooks"))), 201);
        assertEquals("Explain React hooks for a beginner reader.\nTPL-1 keep it short", prompt.path("content").asText());
        assertEquals(tpl, prompt.path("metadata").path("template").asText(), "metadata kept as sent");
        await().atMost(Duration.ofSeconds(20)).until(() -> !FakeOpenAiResource.server().receivedFor("TPL-1").isEmpty());
        assertEquals("Explain React hooks for a beginner reader.\nTPL-1 keep it short",
                FakeOpenAiResource.server().receivedFor("TPL-1").get(0).lastUserContent());

        // by name, a given value over the default; a body without {{content}} is followed by the content
        template(user, Map.of("name", "review", "body", "Review this as a {{role}}:", "variables", List.of(Map.of("name", "role", "default", "critic"))));
        JsonNode byName = sendWith(user, chatId, Map.of("content", "TPL-2 my essay",
                "metadata", Map.of("template", "review", "variables", Map.of("role", "teacher"))), 201);
        assertEquals("Review this as a teacher:\n\nTPL-2 my essay", byName.path("content").asText());

        // a name the user has no template of is the seed's free label: the content's own {{variables}} only
        JsonNode label = sendWith(user, chatId, Map.of("content", "TPL-3 about {{topic}}",
                "metadata", Map.of("template", "no-such-template", "variables", Map.of("topic", "streams"))), 201);
        assertEquals("TPL-3 about streams", label.path("content").asText());
    }

    @Test
    void missingVariablesAreAValidationErrorNamingThemAndUnknownOrForeignTemplatesAre404() {
        User user = newUser();
        User other = newUser();
        String tpl = template(user, Map.of("name", "letter", "body", "Dear {{name}}, about {{subject}} ({{tone}})",
                "variables", List.of(Map.of("name", "tone", "default", "polite"))));
        String foreign = template(other, Map.of("name", "letter", "body", "Hi {{content}}"));
        String chatId = createChat(user, createProject(user), Map.of("name", "Missing", "model", FAKE));

        Response missing = given().auth().oauth2(user.token()).contentType(ContentType.JSON)
                .body(Map.of("content", "write it", "metadata", Map.of("template", tpl, "variables", Map.of("subject", "rent"))))
                .post("/v1/chats/" + chatId + "/messages");
        missing.then().statusCode(400).body("error.code", is("VALIDATION_ERROR"))
                .body("error.details.field", is("metadata.variables"))
                .body("error.details.value", contains("name"))
                .body("error.message", startsWith("Template letter needs a value for name"));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON)
                .body(Map.of("content", "write it", "metadata", Map.of("template", tpl)))
                .post("/v1/chats/" + chatId + "/messages")
                .then().statusCode(400).body("error.details.value", contains("name", "subject"));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON)
                .body(Map.of("content", "write it", "metadata", Map.of("template", foreign)))
                .post("/v1/chats/" + chatId + "/messages")
                .then().statusCode(404).body("error.code", is("NOT_FOUND")).body("error.details.resource", is("template"));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON)
                .body(Map.of("content", "write it", "metadata", Map.of("template", "tpl_doesnotexist")))
                .post("/v1/chats/" + chatId + "/messages").then().statusCode(404);
        assertEquals(0, messages(user, chatId).size(), "nothing was stored");
    }

    @Test
    void templateCrudWithConflictsBolaAndBadInput() {
        User user = newUser();
        User other = newUser();
        Response created = given().auth().oauth2(user.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "summary", "body", "Summarise {{content}} in {{n}} bullets",
                        "variables", List.of(Map.of("name", "n", "default", "3"))))
                .post("/v1/templates");
        created.then().statusCode(201).body("success", is(true)).body("data.slots", contains("content", "n"))
                .body("data.variables[0].default", is("3"));
        String id = data(created).path("id").asText();
        assertEquals("/v1/templates/" + id, java.net.URI.create(created.header("Location")).getPath());

        given().auth().oauth2(user.token()).get("/v1/templates").then().statusCode(200)
                .body("data.templates.size()", is(1)).body("data.pagination.total", is(1));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("name", "summary", "body", "again"))
                .post("/v1/templates").then().statusCode(409).body("error.code", is("CONFLICT"));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("name", "short summary"))
                .put("/v1/templates/" + id).then().statusCode(200).body("data.name", is("short summary"))
                .body("data.body", is("Summarise {{content}} in {{n}} bullets"));

        for (var call : List.<java.util.function.Function<io.restassured.specification.RequestSpecification, Response>>of(
                r -> r.get("/v1/templates/" + id),
                r -> r.contentType(ContentType.JSON).body(Map.of("name", "mine now")).put("/v1/templates/" + id),
                r -> r.delete("/v1/templates/" + id))) {
            call.apply(given().auth().oauth2(other.token())).then().statusCode(404).body("error.code", is("NOT_FOUND"));
        }
        given().auth().oauth2(other.token()).get("/v1/templates").then().statusCode(200).body("data.templates.size()", is(0));

        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("name", " ", "body", "b"))
                .post("/v1/templates").then().statusCode(400).body("error.details.field", is("name"));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "bad var", "body", "b", "variables", List.of(Map.of("name", "has space"))))
                .post("/v1/templates").then().statusCode(400).body("error.details.field", is("variables[0].name"));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "dup var", "body", "b", "variables", List.of(Map.of("name", "a"), Map.of("name", "a"))))
                .post("/v1/templates").then().statusCode(400).body("error.details.field", is("variables[1].name"));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "reserved", "body", "b", "variables", List.of(Map.of("name", "content"))))
                .post("/v1/templates").then().statusCode(400).body("error.details.field", is("variables[0].name"));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("body", ""))
                .put("/v1/templates/" + id).then().statusCode(400).body("error.details.field", is("body"));
        given().auth().oauth2(user.token()).get("/v1/templates").then().statusCode(200).body("data.templates.size()", is(1));

        given().auth().oauth2(user.token()).delete("/v1/templates/" + id).then().statusCode(200);
        given().auth().oauth2(user.token()).get("/v1/templates/" + id).then().statusCode(404);
    }

    /** Sends a prompt with a unique marker and returns the system message the fake provider received. */
    static String systemPromptFor(User user, String chatId, String marker) {
        send(user, chatId, marker);
        await().atMost(Duration.ofSeconds(20)).until(() -> !FakeOpenAiResource.server().receivedFor(marker).isEmpty());
        Received r = FakeOpenAiResource.server().receivedFor(marker).get(0);
        JsonNode first = r.messages().get(0);
        return "system".equals(first.path("role").asText()) ? first.path("content").asText() : "";
    }

    static String memory(User user, String content) {
        return given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("content", content))
                .post("/v1/memories").then().statusCode(201).body("data.content", is(content)).extract().path("data.id");
    }

    static String template(User user, Map<String, Object> body) {
        return given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(body)
                .post("/v1/templates").then().statusCode(201).extract().path("data.id");
    }

    static JsonNode sendWith(User user, String chatId, Map<String, Object> body, int status) {
        return data(given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(body)
                .post("/v1/chats/" + chatId + "/messages").then().statusCode(status).extract().response());
    }

    static JsonNode data(Response response) {
        try {
            return JSON.readTree(response.asString()).path("data");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
