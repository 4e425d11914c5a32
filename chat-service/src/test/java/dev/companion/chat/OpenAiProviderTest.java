package dev.companion.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.companion.chat.support.ChatTestSupport.ChatEvents;
import dev.companion.chat.support.ChatTestSupport.User;
import dev.companion.chat.support.FakeOpenAiResource;
import dev.companion.chat.support.FakeOpenAiServer;
import dev.companion.chat.support.FakeOpenAiServer.Received;
import dev.companion.common.id.Ids;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.companion.chat.support.ChatTestSupport.createChat;
import static dev.companion.chat.support.ChatTestSupport.createProject;
import static dev.companion.chat.support.ChatTestSupport.messages;
import static dev.companion.chat.support.ChatTestSupport.newUser;
import static dev.companion.chat.support.ChatTestSupport.publishProjectEvent;
import static dev.companion.chat.support.ChatTestSupport.send;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAI-compatible provider against a local server speaking the real streaming protocol: what the
 * server receives (system prompt with instructions, history within budget), and how its errors, 429s
 * and cut streams end for the client.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_chat"))
@QuarkusTestResource(FakeOpenAiResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenAiProviderTest {

    private ChatEvents events;
    private FakeOpenAiServer fake;

    @BeforeAll
    void setUp() {
        events = new ChatEvents();
        fake = FakeOpenAiResource.server();
    }

    @AfterAll
    void tearDown() {
        events.close();
    }

    private static Map<String, Object> instruction(String id, String userId, String scope, String projectId, String chatId, String mode,
                                                   Map<String, Object> body) {
        Map<String, Object> d = new HashMap<>();
        d.put("id", id);
        d.put("userId", userId);
        d.put("name", "set " + id);
        d.put("scope", scope);
        d.put("projectId", projectId);
        d.put("chatId", chatId);
        d.put("mode", mode);
        d.put("instructions", body);
        String now = Instant.now().toString();
        d.put("createdAt", now);
        d.put("updatedAt", now);
        return d;
    }

    @Test
    @Order(1)
    void theProviderReceivesTheSystemMessageThenTheEffectiveInstructionsAndStreamsBack() {
        User user = newUser();
        String projectId = Ids.newId("proj");
        publishProjectEvent(projectId, "instruction.created", user.id(), instruction(Ids.newId("inst"), user.id(), "global", null, null,
                "append", Map.of("role", "You are an expert React developer", "style", "Concise",
                        "constraints", List.of("Use functional components only"), "examples", List.of())));
        publishProjectEvent(projectId, "instruction.created", user.id(), instruction(Ids.newId("inst"), user.id(), "project", projectId, null,
                "append", Map.of("constraints", List.of("Include TypeScript types"), "examples", List.of("Prefer useState"))));
        createProject(user, projectId);
        String chatId = createChat(user, projectId, Map.of("model", "fake-gpt", "systemMessage", "You are a helpful API integration expert",
                "settings", Map.of("temperature", 0.3, "maxTokens", 500)));

        JsonNode prompt = send(user, chatId, "hello MARK-1");
        String answerId = prompt.path("answerId").asText();
        List<JsonNode> evts = events.awaitFor(chatId, e -> ChatEvents.streamed(e, answerId));
        JsonNode complete = ChatEvents.first(evts, "message.complete", answerId).path("data");
        assertEquals("Echo: hello MARK-1", complete.path("fullContent").asText());
        assertEquals(42, complete.path("usage").path("promptTokens").asInt(), "usage as the provider reported it");
        assertEquals(7, complete.path("usage").path("completionTokens").asInt());
        assertEquals(3, evts.stream().filter(e -> e.path("type").asText().equals("message.chunk")).count());

        Received r = fake.receivedFor("MARK-1").get(0);
        assertEquals("gpt-4o-mini", r.body().path("model").asText());
        assertTrue(r.body().path("stream").asBoolean());
        assertTrue(r.body().path("stream_options").path("include_usage").asBoolean());
        assertEquals(0.3, r.body().path("temperature").asDouble());
        assertEquals(500, r.body().path("max_tokens").asInt());
        JsonNode system = r.messages().get(0);
        assertEquals("system", system.path("role").asText());
        assertEquals("You are a helpful API integration expert\n\n"
                + "You are an expert React developer\n\n"
                + "Style: Concise\n\n"
                + "Constraints:\n- Use functional components only\n- Include TypeScript types\n\n"
                + "Examples:\n- Prefer useState", system.path("content").asText());
        assertEquals("user", r.messages().get(1).path("role").asText());

        // a chat-scope override replaces the instructions in the next prompt's system message
        publishProjectEvent(projectId, "instruction.created", user.id(), instruction(Ids.newId("inst"), user.id(), "chat", projectId, chatId,
                "override", Map.of("role", "You are a pirate")));
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            String marker = "MARK-2-" + System.nanoTime();
            send(user, chatId, marker);
            await().atMost(Duration.ofSeconds(10)).until(() -> !fake.receivedFor(marker).isEmpty());
            return fake.receivedFor(marker).get(0).messages().get(0).path("content").asText()
                    .equals("You are a helpful API integration expert\n\nYou are a pirate");
        });
    }

    @Test
    @Order(2)
    void theHistoryIsCutToTheModelsContextBudget() {
        User user = newUser();
        String chatId = createChat(user, createProject(user), Map.of("model", "fake-small"));
        // the fake is shared by every test of the run: find this test's requests by a nonce of its own
        String nonce = "n" + System.nanoTime();
        String[] prompts = {"first " + nonce + " " + "alpha ".repeat(40), "second " + nonce + " " + "beta ".repeat(40),
                "third " + nonce + " " + "gamma ".repeat(40)};
        for (String p : prompts) {
            String answerId = send(user, chatId, p).path("answerId").asText();
            events.awaitFor(chatId, e -> ChatEvents.has(e, "message.complete", answerId));
        }
        Received last = fake.receivedFor("third " + nonce).get(0);
        String all = last.messages().toString();
        assertTrue(all.contains("third " + nonce), "the prompt itself is always sent");
        assertFalse(all.contains("first " + nonce), "the oldest turn is dropped: " + all);
        // what was sent fits the window minus the reserved output (200 - 50), counted with the model's tokenizer
        Encoding enc = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
        int tokens = 3;
        for (JsonNode m : last.messages()) {
            tokens += 4 + enc.countTokensOrdinary(m.path("role").asText()) + enc.countTokensOrdinary(m.path("content").asText());
        }
        assertTrue(tokens <= 150, "prompt of " + tokens + " tokens fits the budget");
        // and the stored conversation still holds everything
        assertEquals(6, messages(user, chatId).size());
    }

    @Test
    @Order(3)
    void aStreamCutMidwayEndsAsProviderErrorKeepingWhatArrived() {
        User user = newUser();
        String chatId = createChat(user, createProject(user), Map.of("model", "fake-gpt"));
        String answerId = send(user, chatId, "please CUT this").path("answerId").asText();
        List<JsonNode> evts = events.awaitFor(chatId, e -> ChatEvents.has(e, "message.error", answerId)
                && ChatEvents.chunksOf(e, answerId).equals("Partial answer"));
        JsonNode error = ChatEvents.first(evts, "message.error", answerId).path("data");
        assertEquals(chatId, error.path("chatId").asText());
        assertEquals("provider_error", error.path("error").path("code").asText());
        assertTrue(error.path("error").path("message").asText().contains("[DONE]"));
        assertEquals(2, evts.stream().filter(e -> e.path("type").asText().equals("message.chunk")).count());
        JsonNode stored = messages(user, chatId).get(1);
        assertEquals("error", stored.path("status").asText());
        assertEquals("Partial answer", stored.path("content").asText());
        assertEquals("provider_error", stored.path("error").path("code").asText());
    }

    @Test
    @Order(4)
    void anErrorBodyBecomesMessageErrorWithTheProvidersMessage() {
        User user = newUser();
        String chatId = createChat(user, createProject(user), Map.of("model", "fake-gpt"));
        String answerId = send(user, chatId, "FAIL now").path("answerId").asText();
        List<JsonNode> evts = events.awaitFor(chatId, e -> ChatEvents.has(e, "message.error", answerId));
        JsonNode error = ChatEvents.first(evts, "message.error", answerId).path("data").path("error");
        assertEquals("provider_error", error.path("code").asText());
        assertTrue(error.path("message").asText().contains("the fake refuses FAIL"), error.toString());
        assertEquals(1, fake.receivedFor("FAIL now").size(), "a refused request is not retried");
    }

    @Test
    @Order(5)
    void withoutKeysAnOpenAiModelAnswersNoAccountsAndAFallbackModelTakesOver() {
        User user = newUser();
        String projectId = createProject(user);
        String chatId = createChat(user, projectId, Map.of("model", "fake-nokeys"));
        String answerId = send(user, chatId, "anyone there").path("answerId").asText();
        List<JsonNode> evts = events.awaitFor(chatId, e -> ChatEvents.has(e, "message.error", answerId));
        assertEquals("no_accounts", ChatEvents.first(evts, "message.error", answerId).path("data").path("error").path("code").asText());

        String fallbackChat = createChat(user, projectId, Map.of("model", "fake-fallback"));
        String fallbackAnswer = send(user, fallbackChat, "fall back please").path("answerId").asText();
        List<JsonNode> fe = events.awaitFor(fallbackChat, e -> ChatEvents.has(e, "message.complete", fallbackAnswer));
        assertTrue(ChatEvents.first(fe, "message.complete", fallbackAnswer).path("data").path("fullContent").asText()
                .startsWith("Offline echo: fall back please"));
    }

    @Test
    @Order(6)
    void cancellingClosesTheProviderStream() {
        User user = newUser();
        String chatId = createChat(user, createProject(user), Map.of("model", "fake-gpt"));
        int before = fake.clientDisconnects();
        String answerId = send(user, chatId, "SLOW please").path("answerId").asText();
        events.awaitFor(chatId, e -> e.stream().filter(x -> x.path("type").asText().equals("message.chunk")).count() >= 2);
        given().auth().oauth2(user.token()).post("/v1/chats/" + chatId + "/messages/" + answerId + "/cancel").then().statusCode(200);
        events.awaitFor(chatId, e -> ChatEvents.has(e, "message.error", answerId));
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.clientDisconnects() > before);
    }

    @Test
    @Order(7)
    void a429CoolsTheKeyDownAndTheNextKeyAnswers() {
        fake.rateLimit("key-x");
        User user = newUser();
        String chatId = createChat(user, createProject(user), Map.of("model", "fake-limited"));
        String answerId = send(user, chatId, "RL-1 hello").path("answerId").asText();
        List<JsonNode> evts = events.awaitFor(chatId, e -> ChatEvents.has(e, "message.complete", answerId));
        assertEquals("Echo: RL-1 hello", ChatEvents.first(evts, "message.complete", answerId).path("data").path("fullContent").asText());
        assertEquals(List.of("key-x", "key-y"), fake.receivedFor("RL-1").stream().map(Received::apiKey).toList(),
                "429 on key-x, the answer came through key-y");

        // key-x now cools down (Retry-After 120): the next prompts never touch it
        String second = send(user, chatId, "RL-2 again").path("answerId").asText();
        events.awaitFor(chatId, e -> ChatEvents.has(e, "message.complete", second));
        assertEquals(List.of("key-z"), fake.receivedFor("RL-2").stream().map(Received::apiKey).toList());
    }

    @Test
    @Order(8)
    void whenEveryKeyCoolsDownTheAnswerEndsAsRateLimit() {
        fake.rateLimit("key-x", "key-y", "key-z");
        User user = newUser();
        String chatId = createChat(user, createProject(user), Map.of("model", "fake-limited"));
        String answerId = send(user, chatId, "RL-3 blocked").path("answerId").asText();
        List<JsonNode> evts = events.awaitFor(chatId, e -> ChatEvents.has(e, "message.error", answerId));
        JsonNode error = ChatEvents.first(evts, "message.error", answerId).path("data").path("error");
        assertEquals("rate_limit", error.path("code").asText());
        assertTrue(error.path("message").asText().startsWith("Rate limit exceeded"), error.toString());
        assertEquals("error", messages(user, chatId).get(1).path("status").asText());
    }
}
