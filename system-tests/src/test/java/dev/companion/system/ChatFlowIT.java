package dev.companion.system;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chats and prompts as the extension uses them, through the gateway: answers stream from the offline model
 * over Kafka to the user's WebSocket; instructions from project-service reach the prompt; cancel, SSE,
 * and nobody else sees the chat.
 */
@ExtendWith(SystemStack.class)
class ChatFlowIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Right after the project: chat-service asks project-service if its read model has not seen it yet. */
    private static String createChat(Login.User user, String projectId, Map<String, Object> body) {
        ApiClient.Result r = user.api().post("/v1/projects/" + projectId + "/chats", body);
        assertEquals(201, r.status(), r.raw());
        return r.data().path("id").asText();
    }

    private static String createProject(Login.User user) {
        ApiClient.Result p = user.api().post("/v1/projects", Map.of("name", "Chat flow project"));
        assertEquals(201, p.status(), p.raw());
        return p.data().path("id").asText();
    }

    private static JsonNode awaitOn(EventSocket socket, String type, String messageId) {
        return socket.await(m -> type.equals(m.path("type").asText()) && messageId.equals(m.path("messageId").asText()), WAIT);
    }

    @Test
    void aPromptStreamsToTheSocketAndMatchesTheStoredAnswer(ApiClient anonymous) {
        Login.User alice = Login.newUser(anonymous, "alice");
        Login.User bob = Login.newUser(anonymous, "bob");
        String chatId = createChat(alice, createProject(alice), Map.of("name", "API Integration Discussion"));

        try (EventSocket socket = alice.api().connect()) {
            ApiClient.Result sent = alice.api().post("/v1/chats/" + chatId + "/messages",
                    Map.of("content", "Explain React hooks with examples", "attachments", List.of(),
                            "metadata", Map.of("template", "explanation", "variables", Map.of())));
            assertEquals(201, sent.status(), sent.raw());
            assertEquals("sending", sent.data().path("status").asText());
            String answerId = sent.data().path("answerId").asText();

            JsonNode complete = awaitOn(socket, "message.complete", answerId);
            List<JsonNode> chunks = socket.ofType("message.chunk").stream()
                    .filter(m -> answerId.equals(m.path("messageId").asText())).toList();
            assertTrue(chunks.size() > 1, "streamed in several chunks");
            StringBuilder joined = new StringBuilder();
            for (int i = 0; i < chunks.size(); i++) {
                assertEquals(i, chunks.get(i).path("index").asInt(), "chunks in index order");
                assertEquals(chatId, chunks.get(i).path("chatId").asText());
                joined.append(chunks.get(i).path("content").asText());
            }
            assertEquals(joined.toString(), complete.path("fullContent").asText());
            assertTrue(complete.path("usage").path("totalTokens").asInt() > 0);

            ApiClient.Result messages = alice.api().get("/v1/chats/" + chatId + "/messages?page=1&limit=50");
            assertEquals(200, messages.status(), messages.raw());
            JsonNode list = messages.data().path("messages");
            assertEquals(2, list.size());
            assertEquals(joined.toString(), list.get(1).path("content").asText());
        }

        // nobody else learns the chat exists
        assertEquals(404, bob.api().get("/v1/chats/" + chatId).status());
        assertEquals(404, bob.api().get("/v1/chats/" + chatId + "/messages").status());
        assertEquals(404, bob.api().post("/v1/chats/" + chatId + "/messages", Map.of("content", "hi")).status());
        assertEquals(404, bob.api().delete("/v1/chats/" + chatId).status());
    }

    @Test
    void instructionsFromProjectServiceReachTheSystemPrompt(ApiClient anonymous) {
        Login.User alice = Login.newUser(anonymous, "alice");
        String projectId = createProject(alice);
        String chatId = createChat(alice, projectId, Map.of());
        try (EventSocket socket = alice.api().connect()) {
            String first = alice.api().post("/v1/chats/" + chatId + "/messages", Map.of("content", "before")).data().path("answerId").asText();
            assertTrue(awaitOn(socket, "message.complete", first).path("fullContent").asText().contains("0 characters of system prompt"));

            ApiClient.Result inst = alice.api().post("/v1/instructions", Map.of("name", "React", "scope", "project", "projectId", projectId,
                    "instructions", Map.of("role", "You are an expert React developer")));
            assertEquals(201, inst.status(), inst.raw());
            // the offline model reports how long its system prompt was: the very next message has the new layer
            String id = alice.api().post("/v1/chats/" + chatId + "/messages", Map.of("content", "after")).data().path("answerId").asText();
            String reply = awaitOn(socket, "message.complete", id).path("fullContent").asText();
            assertTrue(reply.contains("You are an expert React developer".length() + " characters of system prompt"),
                    "the instruction written just before is in the prompt: " + reply);
        }
    }

    @Test
    void cancelStopsAStreamingAnswerAndSseEndsWithDone(ApiClient anonymous) throws Exception {
        Login.User alice = Login.newUser(anonymous, "alice");
        String chatId = createChat(alice, createProject(alice), Map.of());
        try (EventSocket socket = alice.api().connect()) {
            String answerId = alice.api().post("/v1/chats/" + chatId + "/messages", Map.of("content", "long ".repeat(400)))
                    .data().path("answerId").asText();
            socket.await(m -> "message.chunk".equals(m.path("type").asText()) && m.path("index").asInt() >= 2, WAIT);
            ApiClient.Result status = alice.api().get("/v1/chats/" + chatId + "/stream-status");
            assertTrue(status.data().path("streaming").asBoolean(), status.raw());
            ApiClient.Result cancel = alice.api().post("/v1/chats/" + chatId + "/messages/" + answerId + "/cancel", Map.of());
            assertEquals(200, cancel.status(), cancel.raw());
            JsonNode error = awaitOn(socket, "message.error", answerId);
            assertEquals("cancelled", error.path("error").path("code").asText());
        }

        HttpRequest sse = HttpRequest.newBuilder(URI.create(alice.api().baseUrl() + "/v1/chats/" + chatId + "/messages"))
                .header("Authorization", "Bearer " + alice.accessToken())
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .timeout(WAIT).POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"stream me\"}")).build();
        HttpResponse<String> r = alice.api().http().send(sse, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        List<String> data = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data:")) {
                data.add(line.substring(5).trim());
            }
        }
        assertEquals("[DONE]", data.get(data.size() - 1), r.body());
        assertTrue(data.get(data.size() - 2).contains("message.complete"), r.body());
    }
}
