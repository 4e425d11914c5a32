package dev.companion.project;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What reaches project.events: one event per change, full state, the right key, nothing for failed writes. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_project"))
class ProjectEventsTest {

    @Test
    void projectChangesAreEmittedOnceWithFullStateAndNothingOnFailedWrites() {
        TestUsers u = TestUsers.fresh();
        TestUsers other = TestUsers.fresh();
        try (var events = new KafkaTestClient.ProjectEvents(u.id())) {
            String id = ProjectApiTest.create(u, ProjectApiTest.SEED_BODY);
            // failed writes: invalid bodies, another user's attempts, unknown ids
            u.api().body("{\"name\":\"x\"}").post("/v1/projects").then().statusCode(400);
            u.api().body("{\"color\":\"nope\"}").put("/v1/projects/" + id).then().statusCode(400);
            u.api().body("{\"settings\":{\"x\":1}}").put("/v1/projects/" + id).then().statusCode(400);
            other.api().body("{\"name\":\"Hijack\"}").put("/v1/projects/" + id).then().statusCode(404);
            other.api().delete("/v1/projects/" + id).then().statusCode(404);
            u.api().delete("/v1/projects/proj_doesnotexist").then().statusCode(404);
            // a PUT that changes nothing is not a change
            u.api().body("{\"name\":\"Web Development Project\",\"tags\":[\"react\",\"frontend\",\"spa\"]}").put("/v1/projects/" + id)
                    .then().statusCode(200);
            u.api().body("{\"name\":\"Renamed\"}").put("/v1/projects/" + id).then().statusCode(200);
            u.api().body("{\"archived\":true}").put("/v1/projects/" + id).then().statusCode(200);
            u.api().body("{\"archived\":false}").put("/v1/projects/" + id).then().statusCode(200);
            String inst = u.api().body(Map.of("name", "Project rules", "scope", "project", "projectId", id,
                    "instructions", Map.of("role", "Be exact"))).post("/v1/instructions").then().statusCode(201).extract().path("data.id");
            u.api().delete("/v1/projects/" + id).then().statusCode(200);

            List<JsonNode> seen = events.awaitAtLeast(7, Duration.ofSeconds(30));
            assertEquals(List.of("project.created", "project.updated", "project.archived", "project.updated",
                    "instruction.created", "instruction.deleted", "project.deleted"), types(seen));
            assertTrue(events.keys().stream().allMatch(id::equals), "every event is keyed by the project: " + events.keys());
            assertEquals(seen.stream().map(e -> e.get("id").asText()).distinct().count(), seen.size(), "event ids are unique");

            JsonNode created = seen.get(0);
            assertEquals(u.id(), created.get("userId").asText());
            assertTrue(created.get("occurredAt").asText().endsWith("Z"));
            assertTrue(created.get("requestId").asText().startsWith("req_"));
            JsonNode data = created.get("data");
            assertEquals(id, data.get("id").asText());
            assertEquals(u.id(), data.get("userId").asText());
            assertEquals("Web Development Project", data.get("name").asText());
            assertEquals("React application development", data.get("description").asText());
            assertEquals("[\"react\",\"frontend\",\"spa\"]", data.get("tags").toString());
            assertEquals("#3B82F6", data.get("color").asText());
            assertEquals("{\"autoSave\":true,\"syncEnabled\":true,\"notifications\":false}", data.get("settings").toString());
            assertEquals(false, data.get("archived").asBoolean());
            assertTrue(data.hasNonNull("createdAt") && data.hasNonNull("updatedAt"));

            assertEquals("Renamed", seen.get(1).get("data").get("name").asText());
            assertEquals("#3B82F6", seen.get(1).get("data").get("color").asText(), "updates carry the full state");
            assertTrue(seen.get(2).get("data").get("archived").asBoolean());

            JsonNode instCreated = seen.get(4).get("data");
            assertEquals(inst, instCreated.get("id").asText());
            assertEquals("project", instCreated.get("scope").asText());
            assertEquals(id, instCreated.get("projectId").asText());
            assertTrue(instCreated.get("chatId").isNull());
            assertEquals("append", instCreated.get("mode").asText());
            assertEquals("Be exact", instCreated.get("instructions").get("role").asText());
            assertEquals("[]", instCreated.get("instructions").get("constraints").toString());
            assertEquals(Map.of("id", inst, "userId", u.id(), "scope", "project", "projectId", id),
                    withoutNulls(seen.get(5).get("data")));
            assertEquals("{\"id\":\"" + id + "\",\"userId\":\"" + u.id() + "\"}", seen.get(6).get("data").toString());
        }
    }

    @Test
    void instructionEventsAreKeyedByUserWhenThereIsNoProject() {
        TestUsers u = TestUsers.fresh();
        try (var events = new KafkaTestClient.ProjectEvents(u.id())) {
            String id = u.api().body(InstructionApiTest.SEED_BODY).post("/v1/instructions").then().statusCode(201).extract().path("data.id");
            u.api().body("{\"instructions\":{\"constraints\":[]}}").put("/v1/instructions/" + id).then().statusCode(200);
            u.api().body("{\"instructions\":{\"role\":\"You are an expert React developer\"}}").put("/v1/instructions/" + id)
                    .then().statusCode(200); // unchanged: no event
            u.api().body("{\"scope\":\"bad\"}").put("/v1/instructions/" + id).then().statusCode(400);
            TestUsers.fresh().api().delete("/v1/instructions/" + id).then().statusCode(404);
            u.api().delete("/v1/instructions/" + id).then().statusCode(200);
            List<JsonNode> seen = events.awaitAtLeast(3, Duration.ofSeconds(30));
            assertEquals(List.of("instruction.created", "instruction.updated", "instruction.deleted"), types(seen));
            assertTrue(events.keys().stream().allMatch(u.id()::equals));
            assertEquals("[]", seen.get(1).get("data").get("instructions").get("constraints").toString());
            assertEquals(2, seen.get(1).get("data").get("instructions").get("examples").size());
        }
    }

    @Test
    void chatEventsKeepChatCountAndLastActivityAndAreAppliedOnce() {
        TestUsers u = TestUsers.fresh();
        String project = ProjectApiTest.create(u, "Chatty", null, List.of());
        String quiet = ProjectApiTest.create(u, "Quiet", null, List.of());
        String chat1 = "chat_" + u.id().substring(5);
        String chat2 = chat1.substring(0, chat1.length() - 1) + "z";
        Instant t1 = Instant.now().plusSeconds(60);
        String createdEvent = KafkaTestClient.chatCreated(chat1, project, u.id(), t1);
        // the same event delivered twice, and a second event for the same chat, count once
        KafkaTestClient.sendChatEvent(createdEvent, "chat.created", chat1, u.id(), Map.of("id", chat1, "projectId", project,
                "userId", u.id(), "createdAt", t1.toString()));
        KafkaTestClient.chatCreated(chat1, project, u.id(), t1);
        KafkaTestClient.chatCreated(chat2, project, u.id(), t1);
        Instant t2 = t1.plusSeconds(60);
        KafkaTestClient.sendChatEvent("message.created", chat2, u.id(), Map.of("chatId", chat2, "projectId", project,
                "messageId", "msg_1", "role", "user", "createdAt", t2.toString()));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                u.api().get("/v1/projects/" + project).then().body("data.chatCount", is(2))
                        .body("data.lastActivity", is(t2.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString())));
        // an older message does not move lastActivity back
        KafkaTestClient.sendChatEvent("message.created", chat1, u.id(), Map.of("chatId", chat1, "projectId", project,
                "messageId", "msg_0", "role", "user", "createdAt", t1.minusSeconds(3600).toString()));
        u.api().queryParam("sort", "lastActivity").queryParam("order", "desc").get("/v1/projects").then()
                .body("data.projects.id", org.hamcrest.Matchers.contains(project, quiet))
                .body("data.projects[0].chatCount", is(2));

        try (var events = new KafkaTestClient.ProjectEvents(u.id())) {
            String chatSet = u.api().body(Map.of("name", "chat rules", "scope", "chat", "chatId", chat1,
                    "instructions", Map.of("role", "Short answers"))).post("/v1/instructions").then().statusCode(201).extract().path("data.id");
            String deleted = KafkaTestClient.sendChatEvent("chat.deleted", chat1, u.id(), Map.of("id", chat1, "projectId", project, "userId", u.id()));
            KafkaTestClient.sendChatEvent(deleted, "chat.deleted", chat1, u.id(), Map.of("id", chat1, "projectId", project, "userId", u.id()));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    u.api().get("/v1/projects/" + project).then().body("data.chatCount", is(1)));
            // the deleted chat's instruction set went with it, announced once
            u.api().get("/v1/instructions/" + chatSet).then().statusCode(404);
            u.api().queryParam("chatId", chat1).get("/v1/instructions/effective").then().statusCode(404);
            List<JsonNode> seen = events.awaitAtLeast(4, Duration.ofSeconds(30));
            // Kafka orders per key (project) only: the two projects' events may interleave
            assertEquals(List.of("instruction.created", "instruction.deleted", "project.created", "project.created"),
                    types(seen).stream().sorted().toList());
            List<JsonNode> ofSet = seen.stream().filter(e -> chatSet.equals(e.get("data").get("id").asText())).toList();
            assertEquals(List.of("instruction.created", "instruction.deleted"), types(ofSet));
        }
        u.api().get("/v1/projects/" + quiet).then().body("data.chatCount", is(0));
    }

    @Test
    void aChatMovedToAnotherProjectMovesItsCountAndItsSets() {
        TestUsers u = TestUsers.fresh();
        String from = ProjectApiTest.create(u, "From", null, List.of());
        String to = ProjectApiTest.create(u, "Target", null, List.of());
        String chat = InstructionApiTest.knownChat(u, from);
        String set = u.api().body(Map.of("name", "chat rules", "scope", "chat", "chatId", chat,
                "instructions", Map.of("role", "Short answers"))).post("/v1/instructions").then().statusCode(201).extract().path("data.id");
        try (var events = new KafkaTestClient.ProjectEvents(u.id())) {
            KafkaTestClient.sendChatEvent("chat.updated", chat, u.id(), Map.of("id", chat, "projectId", to, "userId", u.id(),
                    "createdAt", Instant.now().toString()));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    u.api().get("/v1/projects/" + to).then().body("data.chatCount", is(1)));
            u.api().get("/v1/projects/" + from).then().body("data.chatCount", is(0));
            u.api().get("/v1/instructions/" + set).then().body("data.projectId", is(to));
            u.api().queryParam("chatId", chat).get("/v1/instructions/effective").then().body("data.projectId", is(to));
            List<JsonNode> seen = events.awaitAtLeast(4, Duration.ofSeconds(30));
            List<JsonNode> updates = seen.stream().filter(e -> "instruction.updated".equals(e.get("type").asText())).toList();
            assertEquals(1, updates.size(), seen.toString());
            assertEquals(set, updates.get(0).get("data").get("id").asText());
            assertEquals(to, updates.get(0).get("data").get("projectId").asText());
            assertEquals(to, events.keys().get(seen.indexOf(updates.get(0))), "keyed by the chat's new project");
        }
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.get("type").asText()).toList();
    }

    private static Map<String, String> withoutNulls(JsonNode data) {
        Map<String, String> out = new java.util.HashMap<>();
        data.fields().forEachRemaining(f -> {
            if (!f.getValue().isNull()) {
                out.put(f.getKey(), f.getValue().asText());
            }
        });
        return out;
    }
}
