package dev.companion.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.chat.support.ChatTestSupport.User;
import dev.companion.chat.support.FakeOpenAiResource;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.companion.chat.support.ChatTestSupport.JSON;
import static dev.companion.chat.support.ChatTestSupport.createProject;
import static dev.companion.chat.support.ChatTestSupport.newUser;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OpenAI-compatible API in OpenAI's wire format, recorded as a chat of the user's default project. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_chat"))
@QuarkusTestResource(FakeOpenAiResource.class)
class OpenAiCompatTest {

    private static final List<Map<String, Object>> CONVERSATION = List.of(
            Map.of("role", "system", "content", "You are terse."),
            Map.of("role", "user", "content", "first"),
            Map.of("role", "assistant", "content", "an earlier answer"),
            Map.of("role", "user", "content", List.of(Map.of("type", "text", "text", "second"))));

    private static JsonNode read(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(s, e);
        }
    }

    private static JsonNode chatsOf(User user, String projectId) {
        return read(given().auth().oauth2(user.token()).get("/v1/projects/" + projectId + "/chats").then().statusCode(200)
                .extract().asString()).path("data").path("chats");
    }

    @Test
    void modelsAreOpenAisList() {
        JsonNode list = read(given().auth().oauth2(newUser().token()).get("/v1/openai/models").then().statusCode(200)
                .contentType(ContentType.JSON).extract().asString());
        assertEquals("list", list.path("object").asText());
        List<String> ids = new ArrayList<>();
        list.path("data").forEach(m -> {
            assertEquals("model", m.path("object").asText());
            ids.add(m.path("id").asText());
        });
        assertTrue(ids.contains("offline-echo") && ids.contains("agent"), ids.toString());
    }

    @Test
    void aCompletionIsOpenAisObjectAndRecordedAsAChat() {
        User user = newUser();
        String projectId = createProject(user);
        Response r = given().auth().oauth2(user.token()).contentType(ContentType.JSON).accept(ContentType.JSON)
                .body(Map.of("model", "offline-echo", "messages", CONVERSATION, "temperature", 0.2))
                .post("/v1/openai/chat/completions");
        assertEquals(200, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        JsonNode c = read(r.asString());
        assertEquals("chat.completion", c.path("object").asText());
        assertTrue(c.path("id").asText().startsWith("chatcmpl-"));
        assertEquals("offline-echo", c.path("model").asText());
        JsonNode choice = c.path("choices").get(0);
        assertEquals("assistant", choice.path("message").path("role").asText());
        assertEquals("stop", choice.path("finish_reason").asText());
        String content = choice.path("message").path("content").asText();
        assertTrue(content.startsWith("Offline echo: second (context: 2 earlier messages"), content);
        assertTrue(c.path("usage").path("total_tokens").asInt() > 0);

        // recorded: one chat in the user's (only, so default) project, with the whole conversation
        JsonNode chats = chatsOf(user, projectId);
        assertEquals(1, chats.size());
        String chatId = chats.get(0).path("id").asText();
        JsonNode messages = read(given().auth().oauth2(user.token()).get("/v1/chats/" + chatId + "/messages").then().statusCode(200)
                .extract().asString()).path("data").path("messages");
        assertEquals(4, messages.size());
        assertEquals("an earlier answer", messages.get(1).path("content").asText());
        assertEquals(content, messages.get(3).path("content").asText());
    }

    @Test
    void aStreamIsOpenAisChunksEndingWithDone() {
        User user = newUser();
        createProject(user);
        // the openai client asks for a stream with Accept: application/json too
        Response r = given().auth().oauth2(user.token()).contentType(ContentType.JSON).accept(ContentType.JSON)
                .body(Map.of("model", "offline-echo", "messages", CONVERSATION, "stream", true,
                        "stream_options", Map.of("include_usage", true)))
                .post("/v1/openai/chat/completions");
        assertEquals(200, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("text/event-stream"), r.contentType());
        String[] events = r.asString().split("\n\n");
        assertEquals("data: [DONE]", events[events.length - 1].trim());
        StringBuilder text = new StringBuilder();
        String finish = null;
        JsonNode usage = null;
        for (int i = 0; i < events.length - 1; i++) {
            assertTrue(events[i].startsWith("data: "), events[i]);
            JsonNode chunk = read(events[i].substring(6));
            assertEquals("chat.completion.chunk", chunk.path("object").asText());
            if (i == 0) {
                assertEquals("assistant", chunk.path("choices").get(0).path("delta").path("role").asText());
            }
            if (chunk.path("choices").isEmpty()) {
                usage = chunk.path("usage");
                continue;
            }
            JsonNode choice = chunk.path("choices").get(0);
            text.append(choice.path("delta").path("content").asText(""));
            if (!choice.path("finish_reason").isNull()) {
                finish = choice.path("finish_reason").asText();
            }
        }
        assertEquals("stop", finish);
        assertTrue(text.toString().startsWith("Offline echo: second"), text.toString());
        assertTrue(usage != null && usage.path("total_tokens").asInt() > 0);
    }

    @Test
    void aClientLeavingMidStreamCancelsTheAnswer() throws Exception {
        User user = newUser();
        String projectId = createProject(user);
        // a long prompt: the offline model echoes it chunk by chunk for a few seconds
        String prompt = "leave early " + "word ".repeat(400);
        String body = JSON.writeValueAsString(Map.of("model", "offline-echo", "stream", true,
                "messages", List.of(Map.of("role", "user", "content", prompt))));
        int port = io.restassured.RestAssured.port;
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            socket.getOutputStream().write(("POST /v1/openai/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + user.token() + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            int contentChunks = 0;
            String line;
            while (contentChunks < 3 && (line = in.readLine()) != null) {
                if (line.startsWith("data: {") && line.contains("\"content\":\"") && !line.contains("\"content\":\"\"")) {
                    contentChunks++;
                }
            }
            assertEquals(3, contentChunks, "the answer started streaming");
        } // the client goes away here
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode chats = chatsOf(user, projectId);
            assertEquals(1, chats.size());
            JsonNode messages = read(given().auth().oauth2(user.token()).get("/v1/chats/" + chats.get(0).path("id").asText() + "/messages")
                    .then().statusCode(200).extract().asString()).path("data").path("messages");
            JsonNode answer = messages.get(messages.size() - 1);
            assertEquals("cancelled", answer.path("status").asText(), answer.toString());
            String partial = answer.path("content").asText();
            assertTrue(!partial.isEmpty() && partial.length() < prompt.length(), "the partial answer is kept: " + partial.length());
        });
    }

    @Test
    void badInputNamesTheFieldAndRecordsNothing() {
        User user = newUser();
        String projectId = createProject(user);
        assertField(user, Map.of("model", "gpt-99", "messages", CONVERSATION), "model");
        assertField(user, Map.of("messages", CONVERSATION), "model");
        assertField(user, Map.of("model", "offline-echo"), "messages");
        assertField(user, Map.of("model", "offline-echo", "messages", List.of(Map.of("role", "assistant", "content", "hi"))), "messages");
        assertField(user, Map.of("model", "offline-echo", "messages", List.of(Map.of("role", "wizard", "content", "hi"))), "messages[0].role");
        assertField(user, Map.of("model", "offline-echo", "messages", List.of(Map.of("role", "user", "content", 42))), "messages[0].content");
        assertField(user, Map.of("model", "offline-echo", "stream", "yes", "messages", CONVERSATION), "stream");
        assertEquals(0, chatsOf(user, projectId).size());

        // a token without the chats scope
        given().auth().oauth2(TestTokens.withScope(user.id(), "projects")).contentType(ContentType.JSON)
                .body(Map.of("model", "offline-echo", "messages", CONVERSATION)).post("/v1/openai/chat/completions")
                .then().statusCode(403);
    }

    private static void assertField(User user, Map<String, Object> body, String field) {
        Response r = given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(body).post("/v1/openai/chat/completions");
        assertEquals(400, r.statusCode(), r.asString());
        JsonNode e = read(r.asString());
        assertEquals("VALIDATION_ERROR", e.path("error").path("code").asText(), r.asString());
        assertEquals(field, e.path("error").path("details").path("field").asText(), r.asString());
    }
}
