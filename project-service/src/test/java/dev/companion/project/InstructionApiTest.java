package dev.companion.project;

import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.*;

@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_project"))
class InstructionApiTest {

    static final String SEED_BODY = """
            {"name":"React Developer Assistant","scope":"global","projectId":"proj_abc123",
             "instructions":{"role":"You are an expert React developer",
               "style":"Provide clean, modern React code with hooks",
               "constraints":["Use functional components only","Include TypeScript types","Follow React best practices"],
               "examples":["Prefer useState over class state","Use custom hooks for logic reuse"]}}""";

    static String create(TestUsers u, Map<String, Object> body) {
        return u.api().body(body).post("/v1/instructions").then().statusCode(201).extract().path("data.id");
    }

    /** Announces a chat through chat.events and waits until this service knows it. */
    static String knownChat(TestUsers u, String projectId) {
        String chatId = "chat_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 26);
        KafkaTestClient.chatCreated(chatId, projectId, u.id(), Instant.now());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> u.api().queryParam("chatId", chatId)
                .get("/v1/instructions/effective").then().statusCode(200));
        return chatId;
    }

    @Test
    void createAsInTheSeedThenReadUpdateDelete() {
        TestUsers u = TestUsers.fresh();
        var created = u.api().body(SEED_BODY).post("/v1/instructions").then().statusCode(201)
                .header("Location", containsString("/v1/instructions/inst_"))
                .body("success", is(true))
                .body("data.id", startsWith("inst_"))
                .body("data.name", is("React Developer Assistant"))
                .body("data.scope", is("global"))
                .body("data.projectId", nullValue())
                .body("data.mode", is("append"))
                .body("data.instructions.role", is("You are an expert React developer"))
                .body("data.instructions.style", is("Provide clean, modern React code with hooks"))
                .body("data.instructions.constraints", contains("Use functional components only", "Include TypeScript types",
                        "Follow React best practices"))
                .body("data.instructions.examples", contains("Prefer useState over class state", "Use custom hooks for logic reuse"))
                .body("data.createdAt", notNullValue());
        String id = created.extract().path("data.id");
        u.api().get("/v1/instructions/" + id).then().statusCode(200).body("data.name", is("React Developer Assistant"));
        // the seed's update: only name and role change, the rest of the set stays
        u.api().body("{\"name\":\"Updated Instructions\",\"instructions\":{\"role\":\"Updated role description\"}}")
                .put("/v1/instructions/" + id).then().statusCode(200)
                .body("data.name", is("Updated Instructions"))
                .body("data.instructions.role", is("Updated role description"))
                .body("data.instructions.style", is("Provide clean, modern React code with hooks"))
                .body("data.instructions.constraints", hasSize(3))
                .body("data.instructions.examples", hasSize(2));
        u.api().body("{\"mode\":\"override\"}").patch("/v1/instructions/" + id).then().statusCode(200)
                .body("data.mode", is("override"));
        u.api().delete("/v1/instructions/" + id).then().statusCode(200).body("data.id", is(id));
        u.api().get("/v1/instructions/" + id).then().statusCode(404).body("error.code", is("NOT_FOUND"));
    }

    @Test
    void validationErrorsNameTheField() {
        TestUsers u = TestUsers.fresh();
        invalid(u, "{\"scope\":\"global\",\"instructions\":{\"role\":\"r\"}}", "name", "required");
        invalid(u, "{\"name\":\"n\",\"instructions\":{\"role\":\"r\"}}", "scope", "required");
        invalid(u, "{\"name\":\"n\",\"scope\":\"team\",\"instructions\":{\"role\":\"r\"}}", "scope", "pattern");
        invalid(u, "{\"name\":\"n\",\"scope\":\"global\",\"mode\":\"replace\",\"instructions\":{\"role\":\"r\"}}", "mode", "pattern");
        invalid(u, "{\"name\":\"n\",\"scope\":\"global\"}", "instructions", "required");
        invalid(u, "{\"name\":\"n\",\"scope\":\"global\",\"instructions\":{}}", "instructions", "notEmpty");
        invalid(u, "{\"name\":\"n\",\"scope\":\"global\",\"instructions\":{\"constraints\":[\"\"]}}", "instructions.constraints[0]", "required");
        invalid(u, "{\"name\":\"n\",\"scope\":\"global\",\"instructions\":{\"tone\":\"x\"}}", "instructions.tone", "unknownField");
        invalid(u, "{\"name\":\"n\",\"scope\":\"project\",\"instructions\":{\"role\":\"r\"}}", "projectId", "required");
        invalid(u, "{\"name\":\"n\",\"scope\":\"chat\",\"instructions\":{\"role\":\"r\"}}", "chatId", "required");
        invalid(u, "{\"name\":\"" + "n".repeat(101) + "\",\"scope\":\"global\",\"instructions\":{\"role\":\"r\"}}", "name", "maxLength");
        u.api().get("/v1/instructions").then().body("data.pagination.total", is(0));
        u.api().queryParam("scope", "everything").get("/v1/instructions").then().statusCode(400)
                .body("error.details.field", is("scope"));
        u.api().queryParam("limit", "101").get("/v1/instructions").then().statusCode(400)
                .body("error.details.field", is("limit")).body("error.details.value", is(100));
    }

    private static void invalid(TestUsers u, String body, String field, String constraint) {
        u.api().body(body).post("/v1/instructions").then().statusCode(400)
                .body("success", is(false))
                .body("error.code", is("VALIDATION_ERROR"))
                .body("error.details.field", is(field))
                .body("error.details.constraint", is(constraint));
    }

    @Test
    void projectAndChatReferencesMustBeTheUsers() {
        TestUsers u = TestUsers.fresh();
        TestUsers other = TestUsers.fresh();
        String mine = ProjectApiTest.create(u, "Mine", null, List.of());
        String theirs = ProjectApiTest.create(other, "Theirs", null, List.of());
        String theirChat = knownChat(other, theirs);
        u.api().body(Map.of("name", "n", "scope", "project", "projectId", theirs, "instructions", Map.of("role", "r")))
                .post("/v1/instructions").then().statusCode(404).body("error.code", is("NOT_FOUND"));
        u.api().body(Map.of("name", "n", "scope", "chat", "chatId", theirChat, "instructions", Map.of("role", "r")))
                .post("/v1/instructions").then().statusCode(404);
        u.api().body(Map.of("name", "n", "scope", "chat", "chatId", "chat_unknown", "instructions", Map.of("role", "r")))
                .post("/v1/instructions").then().statusCode(404);
        String chat = knownChat(u, mine);
        u.api().body(Map.of("name", "n", "scope", "project", "projectId", mine, "instructions", Map.of("role", "r")))
                .post("/v1/instructions").then().statusCode(201).body("data.projectId", is(mine)).body("data.chatId", nullValue());
        u.api().body(Map.of("name", "n", "scope", "chat", "chatId", chat, "instructions", Map.of("role", "r")))
                .post("/v1/instructions").then().statusCode(201).body("data.chatId", is(chat)).body("data.projectId", is(mine));
        // moving a set onto someone else's project is refused like creating it there
        String global = create(u, Map.of("name", "g", "scope", "global", "instructions", Map.of("role", "r")));
        u.api().body(Map.of("scope", "project", "projectId", theirs)).put("/v1/instructions/" + global).then().statusCode(404);
        u.api().body(Map.of("scope", "project")).put("/v1/instructions/" + global).then().statusCode(400)
                .body("error.details.field", is("projectId"));
        u.api().get("/v1/instructions/" + global).then().body("data.scope", is("global"));
    }

    @Test
    void listFiltersByScopeProjectAndChat() {
        TestUsers u = TestUsers.fresh();
        String p1 = ProjectApiTest.create(u, "One", null, List.of());
        String p2 = ProjectApiTest.create(u, "Two", null, List.of());
        String chat = knownChat(u, p1);
        String g = create(u, Map.of("name", "g", "scope", "global", "instructions", Map.of("role", "r")));
        String a = create(u, Map.of("name", "a", "scope", "project", "projectId", p1, "instructions", Map.of("role", "r")));
        String b = create(u, Map.of("name", "b", "scope", "project", "projectId", p2, "instructions", Map.of("role", "r")));
        String c = create(u, Map.of("name", "c", "scope", "chat", "chatId", chat, "instructions", Map.of("role", "r")));
        u.api().get("/v1/instructions").then().statusCode(200)
                .body("data.instructions.id", contains(g, a, b, c))
                .body("data.pagination.total", is(4));
        u.api().queryParam("scope", "global").queryParam("projectId", p1).get("/v1/instructions").then()
                .body("data.instructions.id", contains(g));
        u.api().queryParam("scope", "project").get("/v1/instructions").then().body("data.instructions.id", contains(a, b));
        // projectId / chatId select what applies there: the global sets, the project's and its chats'
        u.api().queryParam("projectId", p1).get("/v1/instructions").then().body("data.instructions.id", contains(g, a, c));
        u.api().queryParam("projectId", p2).get("/v1/instructions").then().body("data.instructions.id", contains(g, b));
        u.api().queryParam("scope", "chat").queryParam("projectId", p1).get("/v1/instructions").then()
                .body("data.instructions.id", contains(c));
        u.api().queryParam("chatId", chat).get("/v1/instructions").then().body("data.instructions.id", contains(g, a, c));
        u.api().queryParam("scope", "chat").queryParam("chatId", chat).get("/v1/instructions").then()
                .body("data.instructions.id", contains(c));
        u.api().queryParam("chatId", chat).queryParam("projectId", p2).get("/v1/instructions").then().statusCode(400)
                .body("error.details.field", is("projectId"));
        u.api().queryParam("limit", 3).queryParam("page", 2).get("/v1/instructions").then()
                .body("data.instructions.id", contains(c))
                .body("data.pagination.pages", is(2));
    }

    @Test
    void anotherUsersInstructionSetIsNotFoundOnEveryVerb() {
        TestUsers owner = TestUsers.fresh();
        TestUsers other = TestUsers.fresh();
        String id = owner.api().body(SEED_BODY).post("/v1/instructions").then().statusCode(201).extract().path("data.id");
        other.api().get("/v1/instructions/" + id).then().statusCode(404).body("error.code", is("NOT_FOUND"));
        other.api().body("{\"name\":\"x\"}").put("/v1/instructions/" + id).then().statusCode(404);
        other.api().body("{\"name\":\"x\"}").patch("/v1/instructions/" + id).then().statusCode(404);
        other.api().delete("/v1/instructions/" + id).then().statusCode(404);
        other.api().get("/v1/instructions").then().body("data.pagination.total", is(0));
        other.api().get("/v1/instructions/effective").then().statusCode(200).body("data.layers", empty());
        owner.api().get("/v1/instructions/" + id).then().statusCode(200).body("data.name", is("React Developer Assistant"));
    }

    @Test
    void effectiveShowsLayersMergedAndRenderedPrompt() {
        TestUsers u = TestUsers.fresh();
        String project = ProjectApiTest.create(u, "Effective", null, List.of());
        String chat = knownChat(u, project);
        String g = create(u, Map.of("name", "global", "scope", "global", "instructions", Map.of(
                "role", "You are helpful", "constraints", List.of("Be brief"), "examples", List.of("Say hi"))));
        String p = create(u, Map.of("name", "project", "scope", "project", "projectId", project, "instructions", Map.of(
                "style", "Formal", "constraints", List.of("Use TypeScript", "Be brief"))));
        String c = create(u, Map.of("name", "chat", "scope", "chat", "chatId", chat, "instructions", Map.of(
                "role", "You are a React expert")));
        u.api().queryParam("chatId", chat).get("/v1/instructions/effective").then().statusCode(200)
                .body("data.chatId", is(chat))
                .body("data.projectId", is(project))
                .body("data.layers.id", contains(g, p, c))
                .body("data.layers.scope", contains("global", "project", "chat"))
                .body("data.layers.overridden", contains(false, false, false))
                .body("data.merged.role", is("You are a React expert"))
                .body("data.merged.style", is("Formal"))
                .body("data.merged.constraints", contains("Be brief", "Use TypeScript"))
                .body("data.merged.examples", contains("Say hi"))
                .body("data.systemPrompt", is("You are a React expert\n\nStyle: Formal\n\nConstraints:\n- Be brief\n- Use TypeScript"
                        + "\n\nExamples:\n- Say hi"))
                .body("data.format", is("companion.instructions.v1"));
        u.api().queryParam("projectId", project).get("/v1/instructions/effective").then().statusCode(200)
                .body("data.layers.id", contains(g, p))
                .body("data.systemPrompt", is("You are helpful\n\nStyle: Formal\n\nConstraints:\n- Be brief\n- Use TypeScript"
                        + "\n\nExamples:\n- Say hi"));
        u.api().get("/v1/instructions/effective").then().statusCode(200)
                .body("data.layers.id", contains(g))
                .body("data.systemPrompt", is("You are helpful\n\nConstraints:\n- Be brief\n\nExamples:\n- Say hi"));
        // an override at project level drops the global contribution
        u.api().body("{\"mode\":\"override\"}").put("/v1/instructions/" + p).then().statusCode(200);
        u.api().queryParam("chatId", chat).get("/v1/instructions/effective").then()
                .body("data.layers.overridden", contains(true, false, false))
                .body("data.systemPrompt", is("You are a React expert\n\nStyle: Formal\n\nConstraints:\n- Use TypeScript\n- Be brief"));
        TestUsers other = TestUsers.fresh();
        other.api().queryParam("chatId", chat).get("/v1/instructions/effective").then().statusCode(404);
        other.api().queryParam("projectId", project).get("/v1/instructions/effective").then().statusCode(404);
        String otherProject = ProjectApiTest.create(u, "Other", null, List.of());
        u.api().queryParam("chatId", chat).queryParam("projectId", otherProject).get("/v1/instructions/effective").then()
                .statusCode(400).body("error.details.field", is("projectId"));
    }
}
