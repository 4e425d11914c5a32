package dev.companion.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.chat.support.ChatTestSupport.ChatEvents;
import dev.companion.chat.support.ChatTestSupport.User;
import dev.companion.chat.support.FakeOpenAiResource;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.companion.chat.support.ChatTestSupport.createChat;
import static dev.companion.chat.support.ChatTestSupport.createProject;
import static dev.companion.chat.support.ChatTestSupport.messages;
import static dev.companion.chat.support.ChatTestSupport.newUser;
import static dev.companion.chat.support.ChatTestSupport.send;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sending prompts and streaming answers with the offline model, through real PostgreSQL and Kafka. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_chat"))
@QuarkusTestResource(FakeOpenAiResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessageStreamingTest {

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry meters;


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
    void answerStreamsAsOrderedChunksThenCompletesWithTheJoinedContent() {
        User user = newUser();
        String chatId = createChat(user, createProject(user), Map.of("name", "Streaming"));

        JsonNode prompt = send(user, chatId, "Explain React hooks with examples");
        assertEquals("user", prompt.path("role").asText());
        assertEquals("sending", prompt.path("status").asText());
        assertEquals("Explain React hooks with examples", prompt.path("content").asText());
        String answerId = prompt.path("answerId").asText();

        List<JsonNode> evts = events.awaitFor(chatId, e -> ChatEvents.streamed(e, answerId));
        List<JsonNode> chunks = evts.stream().filter(e -> e.path("type").asText().equals("message.chunk")).toList();
        assertTrue(chunks.size() > 3, "several chunks");
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < chunks.size(); i++) {
            JsonNode data = chunks.get(i).path("data");
            assertEquals(i, data.path("index").asInt(), "chunks arrive in index order");
            assertEquals(chatId, data.path("chatId").asText());
            assertEquals(answerId, data.path("messageId").asText());
            assertEquals(user.id(), chunks.get(i).path("userId").asText(), "the gateway routes by userId");
            joined.append(data.path("content").asText());
        }
        // chunks (chat.stream) and the completion (chat.events) are on different topics: the gateway puts the
        // completion after the last chunk on the socket (StreamOrder), so here only the contents are compared
        JsonNode complete = ChatEvents.first(evts, "message.complete", answerId);
        JsonNode data = complete.path("data");
        assertEquals(joined.toString(), data.path("fullContent").asText());
        assertTrue(data.path("fullContent").asText().startsWith("Offline echo: Explain React hooks with examples"));
        JsonNode usage = data.path("usage");
        assertTrue(usage.path("promptTokens").asInt() > 0);
        assertTrue(usage.path("completionTokens").asInt() > 0);
        assertEquals(usage.path("promptTokens").asInt() + usage.path("completionTokens").asInt(), usage.path("totalTokens").asInt());
        assertTrue(ChatEvents.has(evts, "message.created", prompt.path("id").asText()));

        JsonNode stored = messages(user, chatId);
        assertEquals(2, stored.size());
        assertEquals(prompt.path("id").asText(), stored.get(0).path("id").asText());
        assertEquals("sent", stored.get(0).path("status").asText());
        assertEquals(answerId, stored.get(1).path("id").asText());
        assertEquals("assistant", stored.get(1).path("role").asText());
        assertEquals("complete", stored.get(1).path("status").asText());
        assertEquals(joined.toString(), stored.get(1).path("content").asText());
        assertEquals(prompt.path("id").asText(), stored.get(1).path("parentId").asText());
        given().auth().oauth2(user.token()).get("/v1/chats/" + chatId).then().statusCode(200).body("data.messageCount", is(2));
    }

    @Test
    void followUpsContinueTheBranchAndVariablesFillPlaceholders() {
        User user = newUser();
        String chatId = createChat(user, createProject(user), Map.of());
        JsonNode first = send(user, chatId, "first question");
        events.awaitFor(chatId, e -> ChatEvents.has(e, "message.complete", first.path("answerId").asText()));

        String body = given().auth().oauth2(user.token()).contentType(ContentType.JSON)
                .body(Map.of("content", "Tell me about {{topic}} in {{ lang }}", "metadata",
                        Map.of("template", "explanation", "variables", Map.of("topic", "streams", "lang", "Java"))))
                .post("/v1/chats/" + chatId + "/messages").then().statusCode(201)
                .body("data.content", is("Tell me about streams in Java"))
                .body("data.parentId", is(first.path("answerId").asText()))
                .extract().path("data.answerId");
        List<JsonNode> evts = events.awaitFor(chatId, e -> ChatEvents.has(e, "message.complete", body));
        String answer = ChatEvents.first(evts, "message.complete", body).path("data").path("fullContent").asText();
        assertTrue(answer.contains("Tell me about streams in Java"));
        assertTrue(answer.contains("context: 2 earlier messages"), "the history went along: " + answer);
    }

    @Test
    void cancelMidStreamClosesTheStreamAndEndsCancelled() {
        User user = newUser();
        String chatId = createChat(user, createProject(user), Map.of());
        JsonNode prompt = send(user, chatId, "long ".repeat(300));
        String answerId = prompt.path("answerId").asText();
        events.awaitFor(chatId, e -> e.stream().filter(x -> x.path("type").asText().equals("message.chunk")).count() >= 3);
        // the live-streams gauge (/q/metrics companion_chat_live_streams) counts the answer while it streams
        io.micrometer.core.instrument.Gauge live = meters.get("companion.chat.live_streams").gauge();
        assertTrue(live.value() >= 1, "live streams: " + live.value());

        given().auth().oauth2(user.token()).post("/v1/chats/" + chatId + "/messages/" + answerId + "/cancel")
                .then().statusCode(200).body("data.status", is("cancelled"));

        List<JsonNode> evts = events.awaitFor(chatId, e -> ChatEvents.has(e, "message.error", answerId));
        assertEquals("cancelled", ChatEvents.first(evts, "message.error", answerId).path("data").path("error").path("code").asText());
        assertFalse(ChatEvents.has(evts, "message.complete", answerId));
        await().atMost(Duration.ofSeconds(10)).until(() -> "cancelled".equals(messages(user, chatId).get(1).path("status").asText()));
        JsonNode stored = messages(user, chatId).get(1);
        int chunkCount = (int) events.of(chatId).stream().filter(x -> x.path("type").asText().equals("message.chunk")).count();
        assertTrue(chunkCount < 300, "the stream stopped early: " + chunkCount);
        assertTrue(stored.path("content").asText().startsWith("Offline echo:"), "what had arrived is kept");
        // nothing more streams after the cancel
        given().auth().oauth2(user.token()).get("/v1/chats/" + chatId + "/stream-status").then().statusCode(200)
                .body("data.streaming", is(false));
        given().auth().oauth2(user.token()).post("/v1/chats/" + chatId + "/messages/" + answerId + "/cancel")
                .then().statusCode(409).body("error.code", is("CONFLICT"));
    }

    @Test
    void streamStatusLetsAReconnectingClientResumeWithoutGapsOrDuplicates() {
        User user = newUser();
        String chatId = createChat(user, createProject(user), Map.of());
        JsonNode prompt = send(user, chatId, "resume ".repeat(120));
        String answerId = prompt.path("answerId").asText();
        events.awaitFor(chatId, e -> e.stream().filter(x -> x.path("type").asText().equals("message.chunk")).count() >= 5);

        // the client "reconnects": status tells the content so far and the last index in it
        String status = given().auth().oauth2(user.token()).get("/v1/chats/" + chatId + "/stream-status")
                .then().statusCode(200).body("data.streaming", is(true)).body("data.messageId", is(answerId))
                .extract().asString();
        JsonNode s = readTree(status).path("data");
        String soFar = s.path("content").asText();
        int lastIndex = s.path("lastIndex").asInt();
        assertTrue(lastIndex >= 4);

        List<JsonNode> evts = events.awaitFor(chatId, e -> ChatEvents.streamed(e, answerId));
        StringBuilder resumed = new StringBuilder(soFar);
        for (JsonNode e : evts) {
            if (e.path("type").asText().equals("message.chunk") && e.path("data").path("index").asInt() > lastIndex) {
                resumed.append(e.path("data").path("content").asText());
            }
        }
        assertEquals(ChatEvents.first(evts, "message.complete", answerId).path("data").path("fullContent").asText(), resumed.toString());
        given().auth().oauth2(user.token()).get("/v1/chats/" + chatId + "/stream-status").then().statusCode(200)
                .body("data.streaming", is(false));
    }

    @Test
    void regenerateCreatesASiblingAnswerOnANewBranch() {
        User user = newUser();
        String chatId = createChat(user, createProject(user), Map.of());
        JsonNode prompt = send(user, chatId, "pick a colour");
        String firstAnswer = prompt.path("answerId").asText();
        events.awaitFor(chatId, e -> ChatEvents.has(e, "message.complete", firstAnswer));

        String second = given().auth().oauth2(user.token()).post("/v1/chats/" + chatId + "/messages/" + firstAnswer + "/regenerate")
                .then().statusCode(201).body("data.role", is("assistant")).body("data.parentId", is(prompt.path("id").asText()))
                .extract().path("data.id");
        assertNotEquals(firstAnswer, second);
        events.awaitFor(chatId, e -> ChatEvents.has(e, "message.complete", second));

        JsonNode stored = messages(user, chatId);
        assertEquals(3, stored.size());
        List<String> childrenOfPrompt = new ArrayList<>();
        for (JsonNode m : stored) {
            if (prompt.path("id").asText().equals(m.path("parentId").asText())) {
                childrenOfPrompt.add(m.path("id").asText());
            }
        }
        assertEquals(List.of(firstAnswer, second), childrenOfPrompt, "two sibling answers under one prompt");
        given().auth().oauth2(user.token()).get("/v1/chats/" + chatId).then().body("data.currentMessageId", is(second));
        // the next prompt continues the regenerated branch
        JsonNode next = send(user, chatId, "and another");
        assertEquals(second, next.path("parentId").asText());
        // a prompt cannot be regenerated
        given().auth().oauth2(user.token()).post("/v1/chats/" + chatId + "/messages/" + prompt.path("id").asText() + "/regenerate")
                .then().statusCode(400).body("error.code", is("VALIDATION_ERROR"));
    }

    @Test
    void sseStreamsTheSameDeltasAndEndsWithDone() {
        User user = newUser();
        String chatId = createChat(user, createProject(user), Map.of());
        String sse = given().auth().oauth2(user.token()).contentType(ContentType.JSON).accept("text/event-stream")
                .body(Map.of("content", "stream me please"))
                .post("/v1/chats/" + chatId + "/messages")
                .then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/event-stream"))
                .extract().asString();
        List<String> data = new ArrayList<>();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data:")) {
                data.add(line.substring(5).trim());
            }
        }
        assertEquals("[DONE]", data.get(data.size() - 1));
        JsonNode created = readTree(data.get(0));
        assertEquals("message.created", created.path("type").asText());
        String answerId = created.path("messageId").asText();
        StringBuilder joined = new StringBuilder();
        int expected = 0;
        for (String d : data.subList(1, data.size() - 2)) {
            JsonNode chunk = readTree(d);
            assertEquals("message.chunk", chunk.path("type").asText());
            assertEquals(expected++, chunk.path("index").asInt());
            joined.append(chunk.path("content").asText());
        }
        JsonNode complete = readTree(data.get(data.size() - 2));
        assertEquals("message.complete", complete.path("type").asText());
        assertEquals(joined.toString(), complete.path("fullContent").asText());
        assertTrue(complete.path("usage").path("totalTokens").asInt() > 0);
        // the socket path saw the same answer
        List<JsonNode> evts = events.awaitFor(chatId, e -> ChatEvents.streamed(e, answerId));
        assertEquals(joined.toString(), ChatEvents.first(evts, "message.complete", answerId).path("data").path("fullContent").asText());
    }

    private static JsonNode readTree(String s) {
        try {
            return dev.companion.chat.support.ChatTestSupport.JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
