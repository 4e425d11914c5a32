package dev.companion.system;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Browser agents as a provider (issue #19) through the gateway: scripted agents (WebSocket clients in the
 * test) on {@code /v1/agents/connect} answer prompts of chats with model {@code agent}; the answer streams
 * like any other (chunks and completion on the user's socket, stored); a failing agent is replaced before
 * its first delta, one dying mid-answer ends it with {@code message.error}; users' agents never answer each
 * other; {@code POST /v1/ask} answers in one call; BOLA and bad input on the new routes.
 */
@ExtendWith(SystemStack.class)
class AgentsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A scripted agent: connected, authenticated and registered. */
    private static EventSocket agent(Login.User user, String name) {
        EventSocket socket = user.api().openSocket("/v1/agents/connect");
        socket.sendJson(Map.of("type", "auth", "token", user.accessToken(), "name", name));
        socket.await(m -> "registered".equals(m.path("type").asText()), WAIT);
        socket.sendJson(Map.of("type", "heartbeat"));
        socket.await(m -> "heartbeat.ack".equals(m.path("type").asText()), WAIT);
        return socket;
    }

    private static JsonNode awaitPrompt(EventSocket agent) {
        return agent.await(m -> "prompt".equals(m.path("type").asText()), WAIT);
    }

    private static void answer(EventSocket agent, String requestId, String... deltas) {
        for (String d : deltas) {
            agent.sendJson(Map.of("type", "delta", "requestId", requestId, "content", d));
        }
        agent.sendJson(Map.of("type", "done", "requestId", requestId));
    }

    private static String agentChat(Login.User user) {
        ApiClient.Result p = user.api().post("/v1/projects", Map.of("name", "Agents"));
        assertEquals(201, p.status(), p.raw());
        ApiClient.Result c = user.api().post("/v1/projects/" + p.data().path("id").asText() + "/chats",
                Map.of("name", "Agent chat", "model", "agent"));
        assertEquals(201, c.status(), c.raw());
        return c.data().path("id").asText();
    }

    private static String send(Login.User user, String chatId, String content) {
        ApiClient.Result sent = user.api().post("/v1/chats/" + chatId + "/messages", Map.of("content", content));
        assertEquals(201, sent.status(), sent.raw());
        return sent.data().path("answerId").asText();
    }

    private static JsonNode awaitEnd(EventSocket socket, String answerId) {
        return socket.await(m -> answerId.equals(m.path("messageId").asText())
                && ("message.complete".equals(m.path("type").asText()) || "message.error".equals(m.path("type").asText())), WAIT);
    }

    @Test
    void anAgentAnswersThroughTheWholePipeline(ApiClient anonymous) {
        Login.User alice = Login.newUser(anonymous, "agent-alice");
        String chatId = agentChat(alice);
        try (EventSocket agent = agent(alice, "Firefox tab"); EventSocket socket = alice.api().connect()) {
            String answerId = send(alice, chatId, "Explain React hooks with examples");

            JsonNode prompt = awaitPrompt(agent);
            assertEquals("agent", prompt.path("model").asText());
            JsonNode messages = prompt.path("messages");
            assertEquals("user", messages.get(messages.size() - 1).path("role").asText());
            assertEquals("Explain React hooks with examples", messages.get(messages.size() - 1).path("content").asText());
            answer(agent, prompt.path("requestId").asText(), "React hooks ", "are functions", ".");

            JsonNode end = awaitEnd(socket, answerId);
            assertEquals("message.complete", end.path("type").asText(), end.toString());
            assertEquals("React hooks are functions.", end.path("fullContent").asText());
            List<JsonNode> chunks = socket.ofType("message.chunk").stream().filter(m -> answerId.equals(m.path("messageId").asText())).toList();
            assertEquals(3, chunks.size());
            assertEquals("are functions", chunks.get(1).path("content").asText());

            ApiClient.Result stored = alice.api().get("/v1/chats/" + chatId + "/messages/" + answerId);
            assertEquals("React hooks are functions.", stored.data().path("content").asText());
            assertEquals("complete", stored.data().path("status").asText());

            ApiClient.Result listed = alice.api().get("/v1/agents");
            assertEquals(200, listed.status(), listed.raw());
            JsonNode agents = listed.data().path("agents");
            assertEquals(1, agents.size(), listed.raw());
            assertEquals("Firefox tab", agents.get(0).path("name").asText());
            assertFalse(agents.get(0).path("busy").asBoolean());
            assertFalse(agents.get(0).path("connectedAt").asText().isEmpty());
            assertFalse(agents.get(0).path("lastHeartbeat").asText().isEmpty());
            assertFalse(agents.get(0).path("lastMessageAt").isNull());
        }
    }

    @Test
    void aFailingAgentIsReplacedAndOneDyingMidAnswerEndsItWithAnError(ApiClient anonymous) {
        Login.User alice = Login.newUser(anonymous, "agent-retry");
        String chatId = agentChat(alice);
        try (EventSocket socket = alice.api().connect()) {
            EventSocket first = agent(alice, "first");
            EventSocket second = agent(alice, "second");
            String answerId = send(alice, chatId, "Who answers?");
            // the least recently used idle agent is the first; it dies before its first delta
            JsonNode prompt = awaitPrompt(first);
            first.close();
            JsonNode retried = awaitPrompt(second);
            assertEquals("Who answers?", retried.path("messages").get(retried.path("messages").size() - 1).path("content").asText());
            answer(second, retried.path("requestId").asText(), "The second ", "agent.");
            JsonNode end = awaitEnd(socket, answerId);
            assertEquals("message.complete", end.path("type").asText(), end.toString());
            assertEquals("The second agent.", end.path("fullContent").asText());
            assertFalse(prompt.path("requestId").asText().equals(retried.path("requestId").asText()));

            // the only agent left dies after its first delta: the deltas are out, the answer ends in an error
            String second2 = send(alice, chatId, "And now?");
            JsonNode p2 = awaitPrompt2(second, retried.path("requestId").asText());
            second.sendJson(Map.of("type", "delta", "requestId", p2.path("requestId").asText(), "content", "Half an "));
            socket.await(m -> "message.chunk".equals(m.path("type").asText()) && second2.equals(m.path("messageId").asText()), WAIT);
            second.close();
            JsonNode failed = awaitEnd(socket, second2);
            assertEquals("message.error", failed.path("type").asText(), failed.toString());
            assertEquals("agent_error", failed.path("error").path("code").asText(), failed.toString());
            ApiClient.Result stored = alice.api().get("/v1/chats/" + chatId + "/messages/" + second2);
            assertEquals("error", stored.data().path("status").asText());
            assertEquals("Half an ", stored.data().path("content").asText());
        }
    }

    private static JsonNode awaitPrompt2(EventSocket agent, String notRequestId) {
        return agent.await(m -> "prompt".equals(m.path("type").asText()) && !notRequestId.equals(m.path("requestId").asText()), WAIT);
    }

    @Test
    void usersAgentsNeverAnswerEachOther(ApiClient anonymous) {
        Login.User alice = Login.newUser(anonymous, "agent-a");
        Login.User bob = Login.newUser(anonymous, "agent-b");
        String aliceChat = agentChat(alice);
        try (EventSocket bobAgent = agent(bob, "bob's tab"); EventSocket socket = alice.api().connect()) {
            // alice has no agent: bob's idle one is never asked
            String answerId = send(alice, aliceChat, "Anyone there?");
            JsonNode end = awaitEnd(socket, answerId);
            assertEquals("message.error", end.path("type").asText(), end.toString());
            assertEquals("no_agents", end.path("error").path("code").asText(), end.toString());

            try (EventSocket aliceAgent = agent(alice, "alice's tab")) {
                String second = send(alice, aliceChat, "Now?");
                JsonNode prompt = awaitPrompt(aliceAgent);
                answer(aliceAgent, prompt.path("requestId").asText(), "Alice's agent.");
                assertEquals("message.complete", awaitEnd(socket, second).path("type").asText());

                // bob's agent cannot answer alice's prompt by naming its request id
                bobAgent.sendJson(Map.of("type", "done", "requestId", prompt.path("requestId").asText()));
                bobAgent.await(m -> "error".equals(m.path("type").asText()) && "NOT_FOUND".equals(m.path("code").asText()), WAIT);
                assertTrue(bobAgent.ofType("prompt").isEmpty(), "bob's agent got no prompt of alice");

                // each sees only their own agents
                JsonNode aliceList = alice.api().get("/v1/agents").data().path("agents");
                JsonNode bobList = bob.api().get("/v1/agents").data().path("agents");
                assertEquals(1, aliceList.size());
                assertEquals("alice's tab", aliceList.get(0).path("name").asText());
                assertEquals(1, bobList.size());
                assertEquals("bob's tab", bobList.get(0).path("name").asText());
            }
        }
    }

    @Test
    void askAnswersInOneCallAndContinuesAChat(ApiClient anonymous) {
        Login.User alice = Login.newUser(anonymous, "ask");
        Login.User bob = Login.newUser(anonymous, "ask-bob");
        // the offline model: no agent needed
        ApiClient.Result first = alice.api().post("/v1/ask", Map.of("content", "Hello world"));
        assertEquals(200, first.status(), first.raw());
        JsonNode a = first.data();
        assertTrue(a.path("content").asText().contains("Hello world"), first.raw());
        assertEquals("", a.path("error").asText());
        String chatId = a.path("chatId").asText();
        assertTrue(chatId.startsWith("chat_"));

        ApiClient.Result followUp = alice.api().post("/v1/ask", Map.of("content", "And again", "chatId", chatId,
                "parentId", a.path("responseId").asText()));
        assertEquals(200, followUp.status(), followUp.raw());
        assertEquals(chatId, followUp.data().path("chatId").asText());
        assertTrue(followUp.data().path("content").asText().contains("2 earlier messages"), followUp.raw());
        ApiClient.Result prompt = alice.api().get("/v1/chats/" + chatId + "/messages/" + followUp.data().path("id").asText());
        assertEquals(a.path("responseId").asText(), prompt.data().path("parentId").asText());

        // with the agent model, the agent answers the one call
        try (EventSocket agent = agent(alice, "ask tab")) {
            Thread answering = new Thread(() -> {
                JsonNode p = awaitPrompt(agent);
                answer(agent, p.path("requestId").asText(), "From ", "the tab");
            });
            answering.start();
            ApiClient.Result viaAgent = alice.api().post("/v1/ask", Map.of("content", "Via the agent", "model", "agent"));
            assertEquals(200, viaAgent.status(), viaAgent.raw());
            assertEquals("From the tab", viaAgent.data().path("content").asText());
            assertFalse(viaAgent.data().path("chatId").asText().equals(chatId), "a new chat in the default project");
        }

        // BOLA: bob cannot ask into alice's chat
        ApiClient.Result foreign = bob.api().post("/v1/ask", Map.of("content", "Let me in", "chatId", chatId));
        assertEquals(404, foreign.status(), foreign.raw());
        assertEquals("NOT_FOUND", foreign.errorCode());
        assertEquals(4, alice.api().get("/v1/chats/" + chatId + "/messages?page=1&limit=50").data().path("messages").size());

        // bad input names the field and changes nothing
        assertField(alice.api().post("/v1/ask", Map.of("content", "")), "content");
        assertField(alice.api().post("/v1/ask", Map.of("content", "x", "model", "gpt-99")), "model");
        assertField(alice.api().post("/v1/ask", Map.of("content", "x", "parentId", "msg_1")), "chatId");
        assertField(alice.api().post("/v1/ask", Map.of("content", "x", "chatId", chatId, "parentId", "msg_nope")), "parentId");
        assertEquals(4, alice.api().get("/v1/chats/" + chatId + "/messages?page=1&limit=50").data().path("messages").size());
    }

    private static void assertField(ApiClient.Result r, String field) {
        assertEquals(400, r.status(), r.raw());
        assertEquals("VALIDATION_ERROR", r.errorCode(), r.raw());
        assertTrue(r.raw().contains("\"" + field + "\""), r.raw());
    }

    @Test
    void theOpenAiNpmClientTalksToCompanionWithAnApiTokenAndTheTokenIsRevocable(ApiClient anonymous) throws Exception {
        Login.User alice = Login.newUser(anonymous, "openai");
        Login.User bob = Login.newUser(anonymous, "openai-bob");
        Login.User root = Admins.of(anonymous);
        ApiClient.Result minted = root.api().post("/v1/admin/users/" + alice.id() + "/tokens", Map.of("name", "openai tool"));
        assertEquals(201, minted.status(), minted.raw());
        String secret = minted.data().path("token").asText();
        String tokenId = minted.data().path("id").asText();

        try (EventSocket agent = agent(alice, "streaming tab")) {
            // the stream goes to alice's agent: the scripted agent answers it while the client reads
            Thread answering = new Thread(() -> {
                JsonNode p = awaitPrompt(agent);
                answer(agent, p.path("requestId").asText(), "Streamed ", "by ", "the agent");
            });
            answering.start();
            Path module = Path.of(System.getProperty("companion.root", "..")).resolve("system-tests/openai-client").toAbsolutePath().normalize();
            ProcessBuilder pb = new ProcessBuilder("node", "check.mjs").directory(module.toFile()).redirectErrorStream(true);
            pb.environment().put("OPENAI_BASE_URL", anonymous.baseUrl() + "/v1/openai");
            pb.environment().put("OPENAI_API_KEY", secret);
            pb.environment().put("MODEL", "offline-echo");
            pb.environment().put("STREAM_MODEL", "agent");
            Process node = pb.start();
            String output = new String(node.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(node.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(0, node.exitValue(), output);
            Map<String, JsonNode> steps = new java.util.HashMap<>();
            for (String line : output.split("\n")) {
                JsonNode j = ApiClient.parse(line);
                if (j != null && j.has("step")) {
                    steps.put(j.path("step").asText(), j);
                }
            }
            assertTrue(steps.get("models").path("ids").toString().contains("\"agent\""), output);
            JsonNode completion = steps.get("completion");
            assertEquals("chat.completion", completion.path("object").asText(), output);
            assertTrue(completion.path("content").asText().startsWith("Offline echo: Hello from the openai client"), output);
            assertEquals("stop", completion.path("finish").asText());
            JsonNode stream = steps.get("stream");
            assertEquals("Streamed by the agent", stream.path("content").asText(), output);
            assertEquals("stop", stream.path("finish").asText(), output);
            assertTrue(stream.path("totalTokens").asInt() > 0, output);
            assertEquals(400, steps.get("badModel").path("status").asInt(), output);
            assertEquals("VALIDATION_ERROR", steps.get("badModel").path("code").asText(), output);
            assertEquals("model", steps.get("badModel").path("field").asText(), output);
        }

        // recorded as chats of alice's default project, which nobody else sees
        JsonNode projects = alice.api().get("/v1/projects?page=1&limit=50").data().path("projects");
        String defaultProject = null;
        for (JsonNode p : projects) {
            if ("Default".equals(p.path("name").asText())) {
                defaultProject = p.path("id").asText();
            }
        }
        assertTrue(defaultProject != null, projects.toString());
        JsonNode chats = alice.api().get("/v1/projects/" + defaultProject + "/chats?page=1&limit=50").data().path("chats");
        assertEquals(2, chats.size(), chats.toString());
        assertEquals(404, bob.api().get("/v1/chats/" + chats.get(0).path("id").asText()).status());

        // the admin lists API tokens (agent tokens are API tokens exchanged with scope=agent) and revokes in one place
        JsonNode listed = root.api().get("/v1/admin/users/" + alice.id() + "/tokens").data();
        assertTrue(listed.toString().contains(tokenId), listed.toString());
        ApiClient.Result agentToken = anonymous.post("/v1/auth/token", Map.of("grant_type", "client_credentials",
                "client_id", tokenId, "client_secret", secret, "scope", "agent"));
        assertEquals(200, agentToken.status(), agentToken.raw());
        ApiClient keyed = anonymous.withToken(secret);
        assertEquals(200, keyed.get("/v1/openai/models").status());
        assertEquals(200, root.api().delete("/v1/admin/users/" + alice.id() + "/tokens/" + tokenId).status());
        ApiClient.Result after = keyed.get("/v1/openai/models");
        assertEquals(401, after.status(), after.raw());
        assertEquals("UNAUTHORIZED", after.errorCode());
        assertEquals(401, anonymous.withToken("cmp_not-a-token").get("/v1/openai/models").status());
    }

    @Test
    void theAgentSocketRefusesBadTokensAndBadMessages(ApiClient anonymous) {
        Login.User alice = Login.newUser(anonymous, "agent-bad");
        EventSocket forged = alice.api().openSocket("/v1/agents/connect");
        forged.sendJson(Map.of("type", "auth", "token", "not-a-token"));
        assertEquals(1008, forged.awaitClose(WAIT));
        assertEquals("UNAUTHORIZED", forged.ofType("error").get(0).path("code").asText());

        EventSocket unauthenticated = alice.api().openSocket("/v1/agents/connect");
        unauthenticated.sendJson(Map.of("type", "delta", "requestId", "agentreq_x", "content", "hi"));
        assertEquals(1008, unauthenticated.awaitClose(WAIT));

        try (EventSocket agent = agent(alice, "tab")) {
            agent.sendJson(Map.of("type", "delta", "content", "hi"));
            JsonNode e = agent.await(m -> "error".equals(m.path("type").asText()), WAIT);
            assertEquals("VALIDATION_ERROR", e.path("code").asText());
            assertEquals("requestId", e.path("details").path("field").asText());
            agent.sendJson(Map.of("type", "dance"));
            agent.await(m -> "error".equals(m.path("type").asText()) && "type".equals(m.path("details").path("field").asText()), WAIT);
            assertFalse(agent.isClosed());
        }
        // without a token, the list is refused
        assertEquals(401, anonymous.get("/v1/agents").status());
    }
}
