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
}
