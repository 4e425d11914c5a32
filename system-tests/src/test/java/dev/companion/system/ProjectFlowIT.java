package dev.companion.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Projects and instruction sets as the extension manages them, through the gateway. */
@ExtendWith(SystemStack.class)
class ProjectFlowIT {

    @Test
    void createListUpdateDeleteAndNobodyElseSeesIt(ApiClient anonymous) {
        Login.User alice = Login.newUser(anonymous, "alice");
        Login.User bob = Login.newUser(anonymous, "bob");

        ApiClient.Result created = alice.api().post("/v1/projects", Map.of(
                "name", "Web Development Project", "description", "React application development",
                "tags", List.of("react", "frontend", "spa"), "color", "#3B82F6",
                "settings", Map.of("autoSave", true, "syncEnabled", true, "notifications", false)));
        assertEquals(201, created.status(), created.raw());
        String id = created.data().path("id").asText();
        assertTrue(id.startsWith("proj_"), id);
        assertEquals("#3B82F6", created.data().path("color").asText());

        ApiClient.Result invalid = alice.api().post("/v1/projects", Map.of("name", "ab"));
        assertEquals(400, invalid.status(), invalid.raw());
        assertEquals("VALIDATION_ERROR", invalid.errorCode());
        assertEquals("name", invalid.body().path("error").path("details").path("field").asText());

        ApiClient.Result list = alice.api().get("/v1/projects?page=1&limit=20&sort=createdAt&order=desc");
        assertEquals(200, list.status(), list.raw());
        assertEquals(1, list.data().path("projects").size());
        assertEquals(1, list.data().path("pagination").path("total").asInt());

        ApiClient.Result updated = alice.api().put("/v1/projects/" + id, Map.of("name", "Updated Project Name", "tags", List.of("react", "typescript")));
        assertEquals(200, updated.status(), updated.raw());
        assertEquals("Updated Project Name", updated.data().path("name").asText());
        assertEquals("React application development", updated.data().path("description").asText(), "fields not sent stay");

        assertEquals(404, bob.api().get("/v1/projects/" + id).status());
        assertEquals(404, bob.api().put("/v1/projects/" + id, Map.of("name", "stolen")).status());
        assertEquals(404, bob.api().delete("/v1/projects/" + id).status());
        assertEquals(0, bob.api().get("/v1/projects").data().path("projects").size());

        ApiClient.Result instruction = alice.api().post("/v1/instructions", Map.of(
                "name", "React Developer Assistant", "scope", "project", "projectId", id,
                "instructions", Map.of("role", "You are an expert React developer", "style", "Provide clean, modern React code with hooks",
                        "constraints", List.of("Use functional components only"), "examples", List.of("Prefer useState over class state"))));
        assertEquals(201, instruction.status(), instruction.raw());
        ApiClient.Result effective = alice.api().get("/v1/instructions/effective?projectId=" + id);
        assertEquals(200, effective.status(), effective.raw());
        assertTrue(effective.raw().contains("You are an expert React developer"), effective.raw());

        assertTrue(alice.api().delete("/v1/projects/" + id).status() < 300);
        assertEquals(404, alice.api().get("/v1/projects/" + id).status());
    }

    /**
     * project-service's view of chat-service: chatCount and lastActivity follow chat.events, a chat-scope
     * instruction set can be attached once the chat is known, its effective prompt layers project and chat,
     * and deleting the chat takes its set along. Also the list's search, tags and sort through the gateway.
     */
    @Test
    void chatsCountInTheListAndChatInstructionsLayerOnTheProject(ApiClient anonymous) {
        Login.User alice = Login.newUser(anonymous, "alice");
        ApiClient.Result p = alice.api().post("/v1/projects", Map.of("name", "Chatty Project", "description", "talks a lot",
                "tags", List.of("react", "frontend")));
        assertEquals(201, p.status(), p.raw());
        String projectId = p.data().path("id").asText();
        assertEquals(201, alice.api().post("/v1/projects", Map.of("name", "Quiet Project", "tags", List.of("react"))).status());

        ApiClient.Result chat = alice.api().post("/v1/projects/" + projectId + "/chats", Map.of("name", "First chat"));
        assertEquals(201, chat.status(), chat.raw());
        String chatId = chat.data().path("id").asText();
        // chatCount is a consequence computed from chat.events, not the user's own write: it follows within milliseconds
        eventually(() -> {
            ApiClient.Result r = alice.api().get("/v1/projects/" + projectId);
            return r.data() != null && r.data().path("chatCount").asInt() == 1 ? r : new ApiClient.Result(0, r.headers(), r.body(), r.raw());
        }, 200);

        ApiClient.Result list = alice.api().get("/v1/projects?sort=lastActivity&order=desc&search=CHATTY&tags=react,frontend");
        assertEquals(200, list.status(), list.raw());
        assertEquals(1, list.data().path("projects").size(), list.raw());
        assertEquals(projectId, list.data().path("projects").get(0).path("id").asText());
        assertEquals(1, list.data().path("projects").get(0).path("chatCount").asInt());
        assertEquals(2, alice.api().get("/v1/projects?tags=react").data().path("pagination").path("total").asInt());
        ApiClient.Result injection = alice.api().get("/v1/projects?sort=name%3BDROP%20TABLE%20project");
        assertEquals(400, injection.status(), injection.raw());
        assertEquals("sort", injection.body().path("error").path("details").path("field").asText());

        assertEquals(201, alice.api().post("/v1/instructions", Map.of("name", "Project voice", "scope", "project",
                "projectId", projectId, "instructions", Map.of("role", "You are a React expert", "constraints", List.of("Use hooks")))).status());
        // at once: project-service asks chat-service about a chat its read model has not seen yet
        ApiClient.Result chatSet = alice.api().post("/v1/instructions", Map.of("name", "Chat voice", "scope", "chat",
                "chatId", chatId, "mode", "append", "instructions", Map.of("style", "Terse", "constraints", List.of("No prose"))));
        assertEquals(201, chatSet.status(), chatSet.raw());
        assertEquals(projectId, chatSet.data().path("projectId").asText());
        ApiClient.Result effective = alice.api().get("/v1/instructions/effective?chatId=" + chatId);
        assertEquals(200, effective.status(), effective.raw());
        assertEquals(2, effective.data().path("layers").size());
        assertEquals("You are a React expert\n\nStyle: Terse\n\nConstraints:\n- Use hooks\n- No prose",
                effective.data().path("systemPrompt").asText());

        assertTrue(alice.api().delete("/v1/chats/" + chatId).status() < 300);
        String chatSetId = chatSet.data().path("id").asText();
        // the chat's deletion cascades to its instruction set through chat.events
        eventually(() -> alice.api().get("/v1/instructions/" + chatSetId), 404);
        assertEquals(0, alice.api().get("/v1/projects/" + projectId).data().path("chatCount").asInt());
    }

    /**
     * For consequences another service derives from events (counters, cascades), never for a user's own
     * write, which is visible at once: repeats the call until it answers {@code status}, for up to 30 s.
     */
    private static ApiClient.Result eventually(java.util.function.Supplier<ApiClient.Result> call, int status) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (true) {
            ApiClient.Result r = call.get();
            if (r.status() == status) {
                return r;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + status + ", last answer " + r.status() + " " + r.raw());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
