package dev.companion.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.chat.support.ChatTestSupport.User;
import dev.companion.chat.support.FakeOpenAiResource;
import dev.companion.chat.support.FakeOpenAiServer;
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
import java.util.UUID;

import static dev.companion.chat.support.ChatTestSupport.JSON;
import static dev.companion.chat.support.ChatTestSupport.createChat;
import static dev.companion.chat.support.ChatTestSupport.createProject;
import static dev.companion.chat.support.ChatTestSupport.messages;
import static dev.companion.chat.support.ChatTestSupport.newUser;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #18 part A in chat-service: the conversation list across projects (filters, full-text search,
 * order, paging), PATCH, share links, seed 003's client contract (messageId, timeoutMs, wait) and
 * follow-up suggestions; each with bad input and another user's resources.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_chat"))
@QuarkusTestResource(FakeOpenAiResource.class)
class ConversationsTest {

    private static Response list(User user, Map<String, ?> query) {
        return given().auth().oauth2(user.token()).queryParams(query).get("/v1/chats");
    }

    private static List<String> ids(Response r) {
        r.then().statusCode(200).body("success", is(true));
        return r.path("data.chats.id");
    }

    private static JsonNode sendAndWait(User user, String chatId, Map<String, Object> body) {
        String text = given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(body)
                .post("/v1/chats/" + chatId + "/messages?wait=true").then().statusCode(201).extract().asString();
        try {
            return JSON.readTree(text).path("data");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Response patch(User user, String chatId, Map<String, Object> body) {
        return given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(body).patch("/v1/chats/" + chatId);
    }

    @Test
    void listAcrossProjectsFiltersSearchesAndSortsByLastActivity() {
        User user = newUser();
        User other = newUser();
        String p1 = createProject(user);
        String p2 = createProject(user);
        String a = createChat(user, p1, Map.of("name", "Kubernetes networking"));
        String b = createChat(user, p2, Map.of("name", "Holiday plans"));
        String c = createChat(user, p2, Map.of("name", "Recipes"));
        String foreign = createChat(other, createProject(other), Map.of("name", "Kubernetes secrets"));

        // newest created first, until a message makes a chat the most recently active
        assertEquals(List.of(c, b, a), ids(list(user, Map.of())));
        JsonNode answer = sendAndWait(user, a, Map.of("content", "How do xylophonic sidecars route traffic?"));
        assertEquals("complete", answer.path("status").asText());
        Response all = list(user, Map.of());
        assertEquals(List.of(a, c, b), ids(all));
        all.then().body("data.pagination.total", is(3)).body("data.offset", is(0))
                .body("data.chats[0].lastActivityAt", notNullValue())
                .body("data.chats[0].isArchived", is(false)).body("data.chats[0].isStarred", is(false));

        // PATCH: archived, starred (also under seed 001's names), name
        patch(user, b, Map.of("archived", true)).then().statusCode(200).body("data.isArchived", is(true)).body("data.archived", is(true));
        patch(user, c, Map.of("isStarred", true, "name", "Family recipes")).then().statusCode(200)
                .body("data.isStarred", is(true)).body("data.name", is("Family recipes"));
        assertEquals(List.of(a, c), ids(list(user, Map.of())));
        assertEquals(List.of(b), ids(list(user, Map.of("isArchived", "true"))));
        assertEquals(List.of(c), ids(list(user, Map.of("isStarred", "true"))));
        assertEquals(List.of(a), ids(list(user, Map.of("isStarred", "false"))));
        assertEquals(List.of(c), ids(list(user, Map.of("projectId", p2))));
        assertEquals(List.of(b), ids(list(user, Map.of("projectId", p2, "isArchived", "true"))));

        // full text: message text (prefix of a word), chat names, several words all required; never another user's
        assertEquals(List.of(a), ids(list(user, Map.of("search", "xylophon"))));
        assertEquals(List.of(a), ids(list(user, Map.of("search", "KUBERNETES"))));
        assertEquals(List.of(c), ids(list(user, Map.of("search", "family recipes"))));
        assertEquals(List.of(), ids(list(user, Map.of("search", "family kubernetes"))));
        assertEquals(List.of(), ids(list(user, Map.of("search", "secrets"))));
        assertEquals(List.of(foreign), ids(list(other, Map.of("search", "kubernetes"))));

        // paging: offset & limit, or page & limit
        Response second = list(user, Map.of("offset", 1, "limit", 1));
        assertEquals(List.of(c), ids(second));
        second.then().body("data.offset", is(1)).body("data.pagination.total", is(2)).body("data.pagination.page", is(2));
        assertEquals(List.of(c), ids(list(user, Map.of("page", 2, "limit", 1))));

        // bad input: VALIDATION_ERROR naming the parameter
        for (Object[] bad : new Object[][]{{"limit", "0", "limit"}, {"limit", "101", "limit"}, {"limit", "ten", "limit"},
                {"offset", "-1", "offset"}, {"isArchived", "maybe", "isArchived"}, {"isStarred", "1", "isStarred"},
                {"search", "!!!", "search"}, {"search", "x".repeat(201), "search"}, {"page", "0", "page"}}) {
            list(user, Map.of((String) bad[0], bad[1])).then().statusCode(400)
                    .body("success", is(false)).body("error.code", is("VALIDATION_ERROR")).body("error.details.field", is(bad[2]));
        }
        list(user, Map.of("offset", 0, "page", 1)).then().statusCode(400).body("error.details.field", is("offset"));

        // another user's chat cannot be patched (404) and is unchanged
        patch(other, a, Map.of("archived", true)).then().statusCode(404).body("error.code", is("NOT_FOUND"));
        given().auth().oauth2(user.token()).get("/v1/chats/" + a).then().statusCode(200).body("data.isArchived", is(false));
        patch(user, a, Map.of("name", "")).then().statusCode(400).body("error.details.field", is("name"));
    }

    @Test
    void sharesAreImmutableSnapshotsReadableWithoutTokenUntilRevoked() {
        User user = newUser();
        User other = newUser();
        String chatId = createChat(user, createProject(user), Map.of("name", "Shared chat"));
        sendAndWait(user, chatId, Map.of("content", "first question"));

        Response created = given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of())
                .post("/v1/chats/" + chatId + "/share");
        created.then().statusCode(201).body("data.shareId", startsWith("shr_")).body("data.chatId", is(chatId))
                .body("data.title", is("Shared chat")).body("data.messageCount", is(2)).body("data.messages", nullValue());
        String shareId = created.path("data.shareId");
        assertTrue(shareId.length() >= 47, "share ids carry 256 random bits: " + shareId);
        String second = given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("title", "Second link"))
                .post("/v1/chats/" + chatId + "/share").then().statusCode(201).extract().path("data.shareId");
        assertNotEquals(shareId, second);

        // later messages and renames do not reach the snapshot
        sendAndWait(user, chatId, Map.of("content", "second question"));
        patch(user, chatId, Map.of("name", "Renamed")).then().statusCode(200);
        given().get("/v1/share/" + shareId).then().statusCode(200)
                .body("data.title", is("Shared chat")).body("data.messageCount", is(2))
                .body("data.messages.role", contains("user", "assistant"))
                .body("data.messages[0].content", is("first question"))
                .body("data.messages[1].content", startsWith("Offline echo: first question"))
                .body("data.chatId", nullValue());

        given().auth().oauth2(user.token()).get("/v1/shares").then().statusCode(200)
                .body("data.shares.shareId", contains(second, shareId)).body("data.pagination.total", is(2));
        given().auth().oauth2(other.token()).get("/v1/shares").then().statusCode(200).body("data.shares", empty());

        // another user can read the public link but neither share nor revoke the chat
        given().auth().oauth2(other.token()).contentType(ContentType.JSON).body(Map.of()).post("/v1/chats/" + chatId + "/share")
                .then().statusCode(404).body("error.code", is("NOT_FOUND"));
        given().auth().oauth2(other.token()).delete("/v1/chats/" + chatId + "/share/" + shareId).then().statusCode(404);
        given().get("/v1/share/" + shareId).then().statusCode(200);
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("title", ""))
                .post("/v1/chats/" + chatId + "/share").then().statusCode(400).body("error.details.field", is("title"));

        given().auth().oauth2(user.token()).delete("/v1/chats/" + chatId + "/share/" + shareId).then().statusCode(200)
                .body("data.shareId", is(shareId));
        given().get("/v1/share/" + shareId).then().statusCode(404).body("error.code", is("NOT_FOUND"));
        given().auth().oauth2(user.token()).delete("/v1/chats/" + chatId + "/share/" + shareId).then().statusCode(404);
        given().get("/v1/share/shr_guess").then().statusCode(404).body("error.code", is("NOT_FOUND"));

        // deleting the chat takes its links with it
        given().auth().oauth2(user.token()).delete("/v1/chats/" + chatId).then().statusCode(200);
        given().get("/v1/share/" + second).then().statusCode(404);
    }

    @Test
    void clientMessageIdIsIdempotentAndWaitAnswersTheFinishedMessage() {
        User user = newUser();
        User other = newUser();
        String chatId = createChat(user, createProject(user), Map.of());
        String messageId = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("content", "idempotent hello", "messageId", messageId);

        Response first = given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(body).post("/v1/chats/" + chatId + "/messages");
        first.then().statusCode(201);
        Response again = given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(body).post("/v1/chats/" + chatId + "/messages");
        again.then().statusCode(201);
        assertEquals((String) first.path("data.id"), again.path("data.id"));
        assertEquals((String) first.path("data.answerId"), again.path("data.answerId"));
        // the retry with wait=true answers the same (finished) answer
        JsonNode answer = sendAndWait(user, chatId, body);
        assertEquals((String) first.path("data.answerId"), answer.path("id").asText());
        assertEquals("complete", answer.path("status").asText());
        assertEquals("Offline echo: idempotent hello (context: 0 earlier messages, 0 characters of system prompt)", answer.path("content").asText());
        assertEquals(2, messages(user, chatId).size());

        // the same id with another request, or in another chat: 409, nothing created
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("content", "different", "messageId", messageId))
                .post("/v1/chats/" + chatId + "/messages").then().statusCode(409)
                .body("error.code", is("CONFLICT")).body("error.details.field", is("messageId"));
        String otherChat = createChat(user, createProject(user), Map.of());
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(body)
                .post("/v1/chats/" + otherChat + "/messages").then().statusCode(409);
        assertEquals(2, messages(user, chatId).size());
        assertEquals(0, messages(user, otherChat).size());
        // ids are per user: another user may use the same id in their own chat
        String foreignChat = createChat(other, createProject(other), Map.of());
        given().auth().oauth2(other.token()).contentType(ContentType.JSON).body(body)
                .post("/v1/chats/" + foreignChat + "/messages").then().statusCode(201);
        // and never reaches this user's chat
        given().auth().oauth2(other.token()).contentType(ContentType.JSON).body(Map.of("content", "x", "messageId", UUID.randomUUID().toString()))
                .post("/v1/chats/" + chatId + "/messages?wait=true").then().statusCode(404);

        // bad input
        for (Object[] bad : new Object[][]{{Map.of("content", "x", "messageId", "short"), "messageId"},
                {Map.of("content", "x", "messageId", "has spaces in it"), "messageId"},
                {Map.of("content", "x", "timeoutMs", 5), "timeoutMs"},
                {Map.of("content", "x", "timeoutMs", 600001), "timeoutMs"}}) {
            given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(bad[0]).post("/v1/chats/" + chatId + "/messages")
                    .then().statusCode(400).body("error.code", is("VALIDATION_ERROR")).body("error.details.field", is(bad[1]));
        }
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("content", "x", "timeoutMs", 120000))
                .post("/v1/chats/" + chatId + "/messages?wait=true").then().statusCode(400).body("error.details.field", is("timeoutMs"));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("content", "x"))
                .post("/v1/chats/" + chatId + "/messages?wait=maybe").then().statusCode(400).body("error.details.field", is("wait"));
        assertEquals(2, messages(user, chatId).size());
    }

    @Test
    void timeoutMsEndsTheAnswerAndWaitReportsTheTimeout() {
        User user = newUser();
        String chatId = createChat(user, createProject(user), Map.of("model", "fake-gpt"));
        // the fake streams a SLOW prompt for 4 s
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("content", "SLOW please", "timeoutMs", 1000))
                .post("/v1/chats/" + chatId + "/messages?wait=true").then().statusCode(504)
                .body("error.code", is("GATEWAY_TIMEOUT")).body("error.details.field", is("timeoutMs"))
                .body("error.details.messageId", startsWith("msg_"));
        // without wait the answer still ends on its own timer, with the timeout code
        String answerId = given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("content", "SLOW again", "timeoutMs", 1000))
                .post("/v1/chats/" + chatId + "/messages").then().statusCode(201).extract().path("data.answerId");
        await().atMost(Duration.ofSeconds(15)).until(() -> "error".equals(given().auth().oauth2(user.token())
                .get("/v1/chats/" + chatId + "/messages/" + answerId).path("data.status")));
        given().auth().oauth2(user.token()).get("/v1/chats/" + chatId + "/messages/" + answerId).then()
                .body("data.error.code", is("timeout"));
    }

    @Test
    void suggestionsComeFromTheChatsModel() {
        User user = newUser();
        User other = newUser();
        String offline = createChat(user, createProject(user), Map.of("name", "Offline chat"));
        sendAndWait(user, offline, Map.of("content", "Tell me about sourdough"));
        String url = "/v1/chats/" + offline + "/suggestions";
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of()).post(url).then().statusCode(200)
                .body("data.chatId", is(offline)).body("data.model", is("offline-echo"))
                .body("data.suggestions", hasSize(3))
                .body("data.suggestions[0]", is("Can you explain \"Tell me about sourdough\" in more detail?"));
        List<String> five = given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("numSuggestions", 5)).post(url)
                .then().statusCode(200).extract().path("data.suggestions");
        assertEquals(5, five.size());
        assertEquals(five, given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("numSuggestions", 5)).post(url)
                .then().extract().path("data.suggestions"), "the offline model is deterministic");
        for (int bad : new int[]{0, 6}) {
            given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("numSuggestions", bad)).post(url)
                    .then().statusCode(400).body("error.code", is("VALIDATION_ERROR")).body("error.details.field", is("numSuggestions"));
        }
        given().auth().oauth2(other.token()).contentType(ContentType.JSON).body(Map.of("numSuggestions", 2)).post(url)
                .then().statusCode(404).body("error.code", is("NOT_FOUND"));

        // the OpenAI-compatible provider asks the model, and its list is cleaned up
        FakeOpenAiServer fake = FakeOpenAiResource.server();
        String online = createChat(user, createProject(user), Map.of("model", "fake-gpt"));
        sendAndWait(user, online, Map.of("content", "marker-suggest-history"));
        int before = fake.received().size();
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("numSuggestions", 5))
                .post("/v1/chats/" + online + "/suggestions").then().statusCode(200)
                .body("data.suggestions", contains("What about the edge cases?", "How would I test it?", "Can you show the code?",
                        "What are the alternatives?", "Any pitfalls?"));
        JsonNode asked = fake.received().get(before).body().path("messages");
        assertEquals("system", asked.path(0).path("role").asText());
        assertTrue(asked.path(0).path("content").asText().contains("exactly 5"));
        assertTrue(asked.toString().contains("marker-suggest-history"), "the conversation goes with the question: " + asked);
    }
}
