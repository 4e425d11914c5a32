package dev.companion.system;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #18 part A through the gateway: the conversation list across projects (filters, search,
 * PATCH), share links (public without a token, rate-limited per IP, revoked → 404), seed 003's
 * messageId / timeoutMs / wait, and suggestions; BOLA and bad input for each.
 */
@ExtendWith(SystemStack.class)
class ConversationsIT {

    private static String createProject(Login.User user) {
        ApiClient.Result p = user.api().post("/v1/projects", Map.of("name", "Conversations project"));
        assertEquals(201, p.status(), p.raw());
        return p.data().path("id").asText();
    }

    private static String createChat(Login.User user, String projectId, String name) {
        ApiClient.Result r = user.api().post("/v1/projects/" + projectId + "/chats", Map.of("name", name));
        assertEquals(201, r.status(), r.raw());
        return r.data().path("id").asText();
    }

    private static JsonNode sendAndWait(Login.User user, String chatId, Map<String, Object> body) {
        ApiClient.Result r = user.api().post("/v1/chats/" + chatId + "/messages?wait=true", body);
        assertEquals(201, r.status(), r.raw());
        return r.data();
    }

    private static List<String> ids(ApiClient.Result r) {
        assertEquals(200, r.status(), r.raw());
        List<String> out = new ArrayList<>();
        r.data().path("chats").forEach(c -> out.add(c.path("id").asText()));
        return out;
    }

    private static void assertValidation(ApiClient.Result r, String field) {
        assertEquals(400, r.status(), r.raw());
        assertEquals("VALIDATION_ERROR", r.errorCode(), r.raw());
        assertEquals(field, r.body().path("error").path("details").path("field").asText(), r.raw());
    }

    @Test
    void conversationsAcrossProjectsWithFiltersSearchAndPatch(ApiClient anonymous) {
        Login.User alice = Login.newUser(anonymous, "conv-alice");
        Login.User bob = Login.newUser(anonymous, "conv-bob");
        String a = createChat(alice, createProject(alice), "Garden planning");
        String b = createChat(alice, createProject(alice), "Tax questions");
        JsonNode answer = sendAndWait(alice, a, Map.of("content", "When should tomatillos be planted?"));
        assertEquals("complete", answer.path("status").asText(), answer.toString());

        ApiClient.Result all = alice.api().get("/v1/chats?offset=0&limit=10");
        assertEquals(List.of(a, b), ids(all), "the chat with the newest message first");
        assertTrue(all.data().path("chats").get(0).has("lastActivityAt"));
        assertEquals(List.of(a), ids(alice.api().get("/v1/chats?search=tomatillo")));
        assertEquals(List.of(b), ids(alice.api().get("/v1/chats?search=tax")));

        ApiClient.Result patched = alice.api().send("PATCH", "/v1/chats/" + b, Map.of("archived", true, "starred", true, "name", "Taxes 2026"), Map.of());
        assertEquals(200, patched.status(), patched.raw());
        assertTrue(patched.data().path("isArchived").asBoolean());
        assertTrue(patched.data().path("isStarred").asBoolean());
        assertEquals(List.of(a), ids(alice.api().get("/v1/chats")));
        assertEquals(List.of(b), ids(alice.api().get("/v1/chats?isArchived=true&isStarred=true")));

        // BOLA: bob sees none of it and cannot change it
        assertEquals(List.of(), ids(bob.api().get("/v1/chats?search=tomatillo")));
        ApiClient.Result foreign = bob.api().send("PATCH", "/v1/chats/" + a, Map.of("archived", true), Map.of());
        assertEquals(404, foreign.status(), foreign.raw());
        assertEquals("NOT_FOUND", foreign.errorCode());

        // bad input names the parameter
        assertValidation(alice.api().get("/v1/chats?limit=0"), "limit");
        assertValidation(alice.api().get("/v1/chats?limit=1000"), "limit");
        assertValidation(alice.api().get("/v1/chats?isArchived=sometimes"), "isArchived");
        assertValidation(alice.api().get("/v1/chats?offset=-5"), "offset");
    }

    @Test
    void shareLinksArePublicImmutableAndRevocable(ApiClient anonymous) {
        Login.User alice = Login.newUser(anonymous, "share-alice");
        Login.User bob = Login.newUser(anonymous, "share-bob");
        String chatId = createChat(alice, createProject(alice), "Shared recipe");
        sendAndWait(alice, chatId, Map.of("content", "A bread recipe please"));

        ApiClient.Result created = alice.api().post("/v1/chats/" + chatId + "/share", Map.of());
        assertEquals(201, created.status(), created.raw());
        String shareId = created.data().path("shareId").asText();
        String url = created.data().path("url").asText();
        assertEquals("/v1/share/" + shareId, url);

        sendAndWait(alice, chatId, Map.of("content", "And a cake recipe"));
        // no token at all: through the gateway's public route, with the per-IP limit of its own
        ApiClient.Result read = anonymous.get(url);
        assertEquals(200, read.status(), read.raw());
        assertEquals("60", read.header("X-RateLimit-Limit"), "the shared-links rule (per IP) applies");
        assertEquals(2, read.data().path("messages").size(), "the snapshot stays as shared: " + read.raw());
        assertEquals("A bread recipe please", read.data().path("messages").get(0).path("content").asText());

        ApiClient.Result mine = alice.api().get("/v1/shares");
        assertEquals(200, mine.status(), mine.raw());
        assertEquals(shareId, mine.data().path("shares").get(0).path("shareId").asText());
        assertEquals(0, bob.api().get("/v1/shares").data().path("shares").size());
        assertEquals(401, anonymous.get("/v1/shares").status(), "the owner's list needs a token");

        // BOLA: bob can neither share alice's chat nor revoke her link
        assertEquals(404, bob.api().post("/v1/chats/" + chatId + "/share", Map.of()).status());
        assertEquals(404, bob.api().delete("/v1/chats/" + chatId + "/share/" + shareId).status());
        assertEquals(200, anonymous.get(url).status());
        assertValidation(alice.api().post("/v1/chats/" + chatId + "/share", Map.of("title", "")), "title");

        ApiClient.Result revoked = alice.api().delete("/v1/chats/" + chatId + "/share/" + shareId);
        assertEquals(200, revoked.status(), revoked.raw());
        ApiClient.Result gone = anonymous.get(url);
        assertEquals(404, gone.status(), gone.raw());
        assertEquals("NOT_FOUND", gone.errorCode());
        assertEquals(404, anonymous.get("/v1/share/shr_not-a-real-one").status());
    }

    @Test
    void seed003ClientContractAndSuggestions(ApiClient anonymous) {
        Login.User alice = Login.newUser(anonymous, "client-alice");
        Login.User bob = Login.newUser(anonymous, "client-bob");
        String chatId = createChat(alice, createProject(alice), "Client contract");
        String messageId = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("content", "Hello with an id", "messageId", messageId);

        JsonNode answer = sendAndWait(alice, chatId, body);
        assertEquals("complete", answer.path("status").asText(), answer.toString());
        assertTrue(answer.path("content").asText().startsWith("Offline echo: Hello with an id"), answer.toString());
        JsonNode again = sendAndWait(alice, chatId, body);
        assertEquals(answer.path("id").asText(), again.path("id").asText(), "the same messageId answers the same message");
        ApiClient.Result retry = alice.api().post("/v1/chats/" + chatId + "/messages", body);
        assertEquals(201, retry.status(), retry.raw());
        assertEquals(answer.path("parentId").asText(), retry.data().path("id").asText());
        assertEquals(2, alice.api().get("/v1/chats/" + chatId + "/messages").data().path("messages").size(), "one prompt, one answer");

        ApiClient.Result conflict = alice.api().post("/v1/chats/" + chatId + "/messages", Map.of("content", "Other text", "messageId", messageId));
        assertEquals(409, conflict.status(), conflict.raw());
        assertEquals("CONFLICT", conflict.errorCode());
        assertValidation(alice.api().post("/v1/chats/" + chatId + "/messages", Map.of("content", "x", "messageId", "bad id!")), "messageId");
        assertValidation(alice.api().post("/v1/chats/" + chatId + "/messages", Map.of("content", "x", "timeoutMs", 10)), "timeoutMs");
        assertValidation(alice.api().post("/v1/chats/" + chatId + "/messages?wait=true", Map.of("content", "x", "timeoutMs", 300000)), "timeoutMs");
        assertEquals(404, bob.api().post("/v1/chats/" + chatId + "/messages?wait=true", Map.of("content", "x")).status());
        assertEquals(2, alice.api().get("/v1/chats/" + chatId + "/messages").data().path("messages").size(), "bad input changed nothing");

        ApiClient.Result suggestions = alice.api().post("/v1/chats/" + chatId + "/suggestions", Map.of("numSuggestions", 4));
        assertEquals(200, suggestions.status(), suggestions.raw());
        assertEquals(4, suggestions.data().path("suggestions").size());
        assertTrue(suggestions.data().path("suggestions").get(0).asText().contains("Hello with an id"), suggestions.raw());
        assertValidation(alice.api().post("/v1/chats/" + chatId + "/suggestions", Map.of("numSuggestions", 0)), "numSuggestions");
        assertValidation(alice.api().post("/v1/chats/" + chatId + "/suggestions", Map.of("numSuggestions", 6)), "numSuggestions");
        ApiClient.Result foreign = bob.api().post("/v1/chats/" + chatId + "/suggestions", Map.of("numSuggestions", 2));
        assertEquals(404, foreign.status(), foreign.raw());
        assertEquals("NOT_FOUND", foreign.errorCode());
    }
}
