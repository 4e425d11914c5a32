package dev.companion.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.chat.agents.AgentRegistry;
import dev.companion.chat.support.ChatTestSupport.User;
import dev.companion.chat.support.FakeOpenAiResource;
import dev.companion.common.id.Ids;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static dev.companion.chat.support.ChatTestSupport.JSON;
import static dev.companion.chat.support.ChatTestSupport.createChat;
import static dev.companion.chat.support.ChatTestSupport.createProject;
import static dev.companion.chat.support.ChatTestSupport.send;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent provider where its logic lives: leases of the least recently used idle agent, replacement
 * of a failing agent before its first delta, per-user isolation, the socket's checks; real PostgreSQL
 * (the registry) and Kafka (the relay, taken by every prompt).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_chat"))
@QuarkusTestResource(FakeOpenAiResource.class)
class AgentProviderTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TestHTTPResource("/v1/agents/connect")
    URI socketUri;

    @Inject
    AgentRegistry registry;

    /** A scripted agent: a WebSocket client that records what it gets. */
    final class Agent implements WebSocket.Listener, AutoCloseable {
        final List<JsonNode> received = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket ws;

        Agent(String token, String name) {
            ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create(socketUri.toString().replaceFirst("^http", "ws")), this).join();
            send(Map.of("type", "auth", "token", token, "name", name));
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    received.add(JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        void send(Object message) {
            try {
                ws.sendText(JSON.writeValueAsString(message), true).join();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        JsonNode awaitMessage(Predicate<JsonNode> match) {
            return await().atMost(WAIT).until(() -> received.stream().filter(match).findFirst().orElse(null), m -> m != null);
        }

        JsonNode prompt() {
            return awaitMessage(m -> "prompt".equals(m.path("type").asText()));
        }

        Agent registered() {
            awaitMessage(m -> "registered".equals(m.path("type").asText()));
            return this;
        }

        @Override
        public void close() {
            if (!ws.isOutputClosed()) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
            }
        }
    }

    private record Person(User user, String agentToken) {
    }

    private static Person person() {
        String id = Ids.newId("user");
        return new Person(new User(id, TestTokens.forUser(id)), TestTokens.withScope(id, "agent"));
    }

    private static JsonNode message(User user, String chatId, String messageId) {
        try {
            return JSON.readTree(given().auth().oauth2(user.token()).get("/v1/chats/" + chatId + "/messages/" + messageId)
                    .then().statusCode(200).extract().asString()).path("data");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode ended(User user, String chatId, String messageId) {
        return await().atMost(WAIT).until(() -> message(user, chatId, messageId), m -> !"streaming".equals(m.path("status").asText()));
    }

    @Test
    void theLeastRecentlyUsedAgentAnswersAndAFailingOneIsReplaced() {
        Person alice = person();
        String chatId = createChat(alice.user(), createProject(alice.user()), Map.of("name", "Agents", "model", "agent"));
        try (Agent first = new Agent(alice.agentToken(), "first").registered();
             Agent second = new Agent(alice.agentToken(), "second").registered()) {
            // never used: the one connected first; it fails before any delta, so the second is asked
            String answer1 = send(alice.user(), chatId, "one").path("answerId").asText();
            JsonNode p1 = first.prompt();
            first.send(Map.of("type", "error", "requestId", p1.path("requestId").asText(), "message", "tab closed"));
            JsonNode p2 = second.prompt();
            second.send(Map.of("type", "delta", "requestId", p2.path("requestId").asText(), "content", "Second "));
            second.send(Map.of("type", "delta", "requestId", p2.path("requestId").asText(), "content", "answers."));
            second.send(Map.of("type", "done", "requestId", p2.path("requestId").asText()));
            JsonNode done = ended(alice.user(), chatId, answer1);
            assertEquals("complete", done.path("status").asText(), done.toString());
            assertEquals("Second answers.", done.path("content").asText());

            // both idle again; the least recently used now is the first
            await().atMost(WAIT).until(() -> registry.list(alice.user().id()).await().indefinitely().stream().noneMatch(AgentRegistry.Agent::busy));
            send(alice.user(), chatId, "two");
            await().atMost(WAIT).until(() -> first.received.stream().filter(m -> "prompt".equals(m.path("type").asText())).count() == 2);
            assertEquals(1, second.received.stream().filter(m -> "prompt".equals(m.path("type").asText())).count());
        }
    }

    @Test
    void threeFailuresEndTheAnswerAndAnotherUsersAgentIsNeverAsked() {
        Person alice = person();
        Person bob = person();
        String chatId = createChat(alice.user(), createProject(alice.user()), Map.of("name", "Agents", "model", "agent"));
        try (Agent bobs = new Agent(bob.agentToken(), "bob").registered()) {
            String none = send(alice.user(), chatId, "anyone?").path("answerId").asText();
            JsonNode failed = ended(alice.user(), chatId, none);
            assertEquals("error", failed.path("status").asText());
            assertEquals("no_agents", failed.path("error").path("code").asText(), failed.toString());

            Agent[] agents = {new Agent(alice.agentToken(), "a").registered(), new Agent(alice.agentToken(), "b").registered(),
                    new Agent(alice.agentToken(), "c").registered(), new Agent(alice.agentToken(), "d").registered()};
            try {
                String answer = send(alice.user(), chatId, "fail thrice").path("answerId").asText();
                for (int i = 0; i < 3; i++) {
                    JsonNode p = agents[i].prompt();
                    agents[i].send(Map.of("type", "error", "requestId", p.path("requestId").asText(), "message", "no " + i));
                }
                JsonNode end = ended(alice.user(), chatId, answer);
                assertEquals("agent_error", end.path("error").path("code").asText(), end.toString());
                assertTrue(agents[3].received.stream().noneMatch(m -> "prompt".equals(m.path("type").asText())), "at most 3 agents");
            } finally {
                for (Agent a : agents) {
                    a.close();
                }
            }
            assertTrue(bobs.received.stream().noneMatch(m -> "prompt".equals(m.path("type").asText())));
        }
        await().atMost(WAIT).until(() -> registry.list(alice.user().id()).await().indefinitely().isEmpty());
    }

    @Test
    void theSocketNeedsTheAgentScopeAndValidMessages() {
        Person alice = person();
        try (Agent chatsOnly = new Agent(TestTokens.withScope(alice.user().id(), "chats"), "x")) {
            JsonNode e = chatsOnly.awaitMessage(m -> "error".equals(m.path("type").asText()));
            assertEquals("FORBIDDEN", e.path("code").asText());
            assertEquals(1008, chatsOnly.closed.join());
        }
        try (Agent agent = new Agent(alice.agentToken(), "ok").registered()) {
            agent.send(Map.of("type", "delta", "requestId", "agentreq_nope", "content", "x"));
            assertEquals("NOT_FOUND", agent.awaitMessage(m -> "error".equals(m.path("type").asText())).path("code").asText());
            agent.send(Map.of("type", "auth", "token", TestTokens.withScope(Ids.newId("user"), "agent")));
            agent.awaitMessage(m -> "UNAUTHORIZED".equals(m.path("code").asText()));
            assertEquals(1008, agent.closed.join());
        }
        given().auth().oauth2(alice.user().token()).get("/v1/agents").then().statusCode(403);
        given().auth().oauth2(alice.agentToken()).get("/v1/agents").then().statusCode(200);
        assertFalse(registry.replicaId().isEmpty());
    }
}
