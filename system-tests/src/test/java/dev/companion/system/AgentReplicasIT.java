package dev.companion.system;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.infra.LocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Browser agents across two chat-service replicas (issue #19): a scripted agent connects through an extra
 * gateway whose chat-service is an extra replica (A), the user chats through the stack's gateway and
 * chat-service (B). The prompt and the answer cross the {@code chat-service.agents} topic both ways; when
 * replica A dies (SIGKILL) after the agent's first delta, replica B ends the answer with {@code message.error}
 * and the stored message is not left {@code streaming}.
 */
@ExtendWith(SystemStack.class)
class AgentReplicasIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Replica B notices a dead replica A by the agent's silence ({@code companion.agents.idle-timeout}, 30 s). */
    private static final Duration DEATH_NOTICED = Duration.ofSeconds(90);
    private static final String REPLICA_A = "chat-replica-a";
    private static final String GATEWAY_A = "gateway-a";

    private static LocalStack stack;
    private static int gatewayAPort;

    @BeforeAll
    static void startReplicaA(LocalStack s) throws Exception {
        stack = s;
        int replicaPort = SystemStack.sparePort(0);
        gatewayAPort = SystemStack.sparePort(1);
        // the stack's chat-service environment (same database, Kafka, keys), on its own port
        stack.startExtra(REPLICA_A, "chat-service", replicaPort, Map.of());
        // the gateway takes one URL per service: this one reaches replica A only
        stack.startExtra(GATEWAY_A, "gateway", gatewayAPort, Map.of("CHAT_SERVICE_URL", "http://127.0.0.1:" + replicaPort));
        stack.awaitReady(REPLICA_A, Duration.ofSeconds(180));
        stack.awaitReady(GATEWAY_A, Duration.ofSeconds(180));
    }

    @AfterAll
    static void stopExtras() {
        if (stack != null) {
            stack.stopService(GATEWAY_A);
            stack.stopService(REPLICA_A);
        }
    }

    /** A scripted agent connected through gateway-a, so its socket lives on replica A. */
    private static EventSocket agentOnReplicaA(Login.User user, String name) {
        ApiClient viaA = new ApiClient("http://127.0.0.1:" + gatewayAPort).withToken(user.accessToken());
        EventSocket socket = viaA.openSocket("/v1/agents/connect");
        socket.sendJson(Map.of("type", "auth", "token", user.accessToken(), "name", name));
        socket.await(m -> "registered".equals(m.path("type").asText()), WAIT);
        socket.sendJson(Map.of("type", "heartbeat"));
        socket.await(m -> "heartbeat.ack".equals(m.path("type").asText()), WAIT);
        return socket;
    }

    private static JsonNode awaitPrompt(EventSocket agent, String content) {
        return agent.await(m -> "prompt".equals(m.path("type").asText()) && content.equals(lastContent(m)), WAIT);
    }

    private static String lastContent(JsonNode prompt) {
        JsonNode messages = prompt.path("messages");
        return messages.size() == 0 ? "" : messages.get(messages.size() - 1).path("content").asText();
    }

    private static JsonNode awaitEnd(EventSocket socket, String answerId, Duration timeout) {
        return socket.await(m -> answerId.equals(m.path("messageId").asText())
                && ("message.complete".equals(m.path("type").asText()) || "message.error".equals(m.path("type").asText())), timeout);
    }

    private static String send(Login.User user, String chatId, String content) {
        ApiClient.Result sent = user.api().post("/v1/chats/" + chatId + "/messages", Map.of("content", content));
        assertEquals(201, sent.status(), sent.raw());
        return sent.data().path("answerId").asText();
    }

    @Test
    void anAgentOnAnotherReplicaAnswersAndItsReplicaDyingEndsTheAnswer(ApiClient anonymous) {
        Login.User alice = Login.newUser(anonymous, "agent-replicas");
        ApiClient.Result p = alice.api().post("/v1/projects", Map.of("name", "Replicas"));
        assertEquals(201, p.status(), p.raw());
        ApiClient.Result c = alice.api().post("/v1/projects/" + p.data().path("id").asText() + "/chats",
                Map.of("name", "Agent on A", "model", "agent"));
        assertEquals(201, c.status(), c.raw());
        String chatId = c.data().path("id").asText();

        EventSocket agent = agentOnReplicaA(alice, "tab on replica A");
        try (EventSocket socket = alice.api().connect()) {
            // the user's message goes through the main gateway to replica B; the prompt reaches the agent on A
            String answerId = send(alice, chatId, "Across replicas?");
            JsonNode prompt = awaitPrompt(agent, "Across replicas?");
            assertEquals("agent", prompt.path("model").asText());
            String requestId = prompt.path("requestId").asText();
            for (String d : List.of("Yes, ", "across ", "replicas.")) {
                agent.sendJson(Map.of("type", "delta", "requestId", requestId, "content", d));
            }
            agent.sendJson(Map.of("type", "done", "requestId", requestId));

            JsonNode end = awaitEnd(socket, answerId, WAIT);
            assertEquals("message.complete", end.path("type").asText(), end.toString());
            assertEquals("Yes, across replicas.", end.path("fullContent").asText(), end.toString());
            List<JsonNode> chunks = socket.ofType("message.chunk").stream()
                    .filter(m -> answerId.equals(m.path("messageId").asText())).toList();
            assertEquals(3, chunks.size(), chunks.toString());
            assertEquals("across ", chunks.get(1).path("content").asText());
            ApiClient.Result stored = alice.api().get("/v1/chats/" + chatId + "/messages/" + answerId);
            assertEquals("complete", stored.data().path("status").asText(), stored.raw());
            assertEquals("Yes, across replicas.", stored.data().path("content").asText(), stored.raw());

            // second prompt: one delta, then replica A (holding the agent's socket) is killed
            String second = send(alice, chatId, "And if A dies?");
            JsonNode p2 = awaitPrompt(agent, "And if A dies?");
            assertNotEquals(requestId, p2.path("requestId").asText());
            agent.sendJson(Map.of("type", "delta", "requestId", p2.path("requestId").asText(), "content", "Half an "));
            socket.await(m -> "message.chunk".equals(m.path("type").asText()) && second.equals(m.path("messageId").asText()), WAIT);
            stack.killService(REPLICA_A);

            JsonNode failed = awaitEnd(socket, second, DEATH_NOTICED);
            assertEquals("message.error", failed.path("type").asText(), failed.toString());
            assertEquals("agent_error", failed.path("error").path("code").asText(), failed.toString());
            await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                ApiClient.Result m = alice.api().get("/v1/chats/" + chatId + "/messages/" + second);
                assertEquals(200, m.status(), m.raw());
                assertEquals("error", m.data().path("status").asText(), m.raw());
                assertEquals("Half an ", m.data().path("content").asText(), m.raw());
            });
        } finally {
            agent.close();
        }
    }
}
