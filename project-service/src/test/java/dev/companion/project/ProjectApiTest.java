package dev.companion.project;

import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_project"))
class ProjectApiTest {

    static final String SEED_BODY = """
            {"name":"Web Development Project","description":"React application development",
             "tags":["react","frontend","spa"],"color":"#3B82F6",
             "settings":{"autoSave":true,"syncEnabled":true,"notifications":false}}""";

    static String create(TestUsers u, String body) {
        return u.api().body(body).post("/v1/projects").then().statusCode(201).extract().path("data.id");
    }

    static String create(TestUsers u, String name, String description, List<String> tags) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("name", name);
        body.put("description", description);
        body.put("tags", tags);
        return u.api().body(body).post("/v1/projects").then().statusCode(201).extract().path("data.id");
    }

    @Test
    void createAnswersTheSeedShapeWithLocation() {
        TestUsers u = TestUsers.fresh();
        var response = u.api().body(SEED_BODY).post("/v1/projects").then()
                .statusCode(201)
                .body("success", is(true))
                .body("data.id", startsWith("proj_"))
                .body("data.name", is("Web Development Project"))
                .body("data.description", is("React application development"))
                .body("data.tags", contains("react", "frontend", "spa"))
                .body("data.color", is("#3B82F6"))
                .body("data.settings.autoSave", is(true))
                .body("data.settings.syncEnabled", is(true))
                .body("data.settings.notifications", is(false))
                .body("data.archived", is(false))
                .body("data.chatCount", is(0))
                .body("data.createdAt", matchesPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z"))
                .body("timestamp", notNullValue())
                .body("requestId", startsWith("req_"));
        String id = response.extract().path("data.id");
        assertEquals(true, response.extract().header("Location").endsWith("/v1/projects/" + id));
        u.api().get("/v1/projects/" + id).then().statusCode(200)
                .body("data.name", is("Web Development Project"))
                .body("data.createdAt", is((String) response.extract().path("data.createdAt")))
                .body("data.lastActivity", is((String) response.extract().path("data.createdAt")));
    }

    @Test
    void defaultsApplyWhenSettingsAreLeftOut() {
        TestUsers u = TestUsers.fresh();
        u.api().body("{\"name\":\"Bare\"}").post("/v1/projects").then().statusCode(201)
                .body("data.tags", empty())
                .body("data.description", nullValue())
                .body("data.settings.autoSave", is(true))
                .body("data.settings.syncEnabled", is(true))
                .body("data.settings.notifications", is(false));
    }

    @Test
    void everyValidationErrorNamesFieldConstraintAndLimit() {
        TestUsers u = TestUsers.fresh();
        invalid(u, "{\"name\":\"ab\"}", "name", "minLength", 3);
        invalid(u, "{\"name\":\"" + "x".repeat(101) + "\"}", "name", "maxLength", 100);
        invalid(u, "{\"description\":\"no name\"}", "name", "required", null);
        invalid(u, "{\"name\":\"Valid\",\"color\":\"blue\"}", "color", "pattern", "^#[0-9A-Fa-f]{6}$");
        invalid(u, "{\"name\":\"Valid\",\"color\":\"#12345\"}", "color", "pattern", "^#[0-9A-Fa-f]{6}$");
        invalid(u, "{\"name\":\"Valid\",\"tags\":[\"React\"]}", "tags[0]", "pattern", "^[a-z0-9][a-z0-9._-]{0,29}$");
        invalid(u, "{\"name\":\"Valid\",\"tags\":[\"ok\",\"" + "a".repeat(31) + "\"]}", "tags[1]", "pattern", "^[a-z0-9][a-z0-9._-]{0,29}$");
        String tooMany = String.join(",", java.util.stream.IntStream.range(0, 21).mapToObj(i -> "\"t" + i + "\"").toList());
        invalid(u, "{\"name\":\"Valid\",\"tags\":[" + tooMany + "]}", "tags", "maxItems", 20);
        invalid(u, "{\"name\":\"Valid\",\"description\":\"" + "d".repeat(1001) + "\"}", "description", "maxLength", 1000);
        // unknown settings and unknown fields are refused, not ignored
        u.api().body("{\"name\":\"Valid\",\"settings\":{\"darkMode\":true}}").post("/v1/projects").then().log().ifValidationFails().statusCode(400)
                .body("error.code", is("VALIDATION_ERROR"))
                .body("error.details.field", is("settings.darkMode"))
                .body("error.details.constraint", is("unknownField"));
        u.api().body("{\"name\":\"Valid\",\"settings\":{\"autoSave\":\"sometimes\"}}").post("/v1/projects").then().statusCode(400)
                .body("error.details.field", is("settings.autoSave"))
                .body("error.details.constraint", is("type"));
        u.api().body("{\"name\":").post("/v1/projects").then().statusCode(400).body("error.code", is("VALIDATION_ERROR"));
        u.api().post("/v1/projects").then().statusCode(400).body("error.code", is("VALIDATION_ERROR"));
        // nothing was created by any of these
        u.api().get("/v1/projects").then().statusCode(200).body("data.pagination.total", is(0));
    }

    private static void invalid(TestUsers u, String body, String field, String constraint, Object value) {
        ValidatableResponse r = u.api().body(body).post("/v1/projects").then().statusCode(400)
                .body("success", is(false))
                .body("error.code", is("VALIDATION_ERROR"))
                .body("error.message", notNullValue())
                .body("error.details.field", is(field))
                .body("error.details.constraint", is(constraint))
                .body("requestId", startsWith("req_"));
        if (value != null) {
            r.body("error.details.value", is(value));
        }
    }

    @Test
    void putChangesOnlyTheFieldsSent() {
        TestUsers u = TestUsers.fresh();
        String id = create(u, SEED_BODY);
        String createdAt = u.api().get("/v1/projects/" + id).then().extract().path("data.createdAt");
        u.api().body("{\"name\":\"Updated Project Name\",\"description\":\"Updated description\",\"tags\":[\"react\",\"typescript\"],\"archived\":false}")
                .put("/v1/projects/" + id).then().statusCode(200)
                .body("data.name", is("Updated Project Name"))
                .body("data.description", is("Updated description"))
                .body("data.tags", contains("react", "typescript"))
                .body("data.color", is("#3B82F6"))
                .body("data.settings.autoSave", is(true))
                .body("data.createdAt", is(createdAt));
        u.api().body("{\"settings\":{\"notifications\":true}}").patch("/v1/projects/" + id).then().statusCode(200)
                .body("data.settings.notifications", is(true))
                .body("data.settings.autoSave", is(true))
                .body("data.name", is("Updated Project Name"));
        u.api().body("{\"name\":\"no\"}").put("/v1/projects/" + id).then().statusCode(400)
                .body("error.details.field", is("name")).body("error.details.constraint", is("minLength"));
        u.api().body("{\"color\":\"red\"}").put("/v1/projects/" + id).then().statusCode(400)
                .body("error.details.field", is("color"));
        u.api().body("{\"settings\":{\"theme\":\"dark\"}}").put("/v1/projects/" + id).then().statusCode(400)
                .body("error.details.field", is("settings.theme"));
        u.api().get("/v1/projects/" + id).then().body("data.name", is("Updated Project Name")).body("data.color", is("#3B82F6"));
    }

    @Test
    void archivedProjectsLeaveTheDefaultList() {
        TestUsers u = TestUsers.fresh();
        String kept = create(u, "Kept project", null, List.of());
        String archived = create(u, "Archived project", null, List.of());
        u.api().body("{\"archived\":true}").put("/v1/projects/" + archived).then().statusCode(200).body("data.archived", is(true));
        u.api().get("/v1/projects").then().body("data.projects.id", contains(kept));
        u.api().queryParam("archived", "true").get("/v1/projects").then().body("data.projects.id", contains(archived));
        u.api().queryParam("archived", "maybe").get("/v1/projects").then().statusCode(400)
                .body("error.details.field", is("archived"));
    }

    @Test
    void deleteRemovesTheProject() {
        TestUsers u = TestUsers.fresh();
        String id = create(u, SEED_BODY);
        u.api().delete("/v1/projects/" + id).then().statusCode(200).body("success", is(true)).body("data.id", is(id));
        u.api().get("/v1/projects/" + id).then().statusCode(404).body("error.code", is("NOT_FOUND"));
        u.api().delete("/v1/projects/" + id).then().statusCode(404);
    }

    @Test
    void anotherUsersProjectIsNotFoundOnEveryVerb() {
        TestUsers owner = TestUsers.fresh();
        TestUsers other = TestUsers.fresh();
        String id = create(owner, SEED_BODY);
        other.api().get("/v1/projects/" + id).then().statusCode(404).body("error.code", is("NOT_FOUND"));
        other.api().body("{\"name\":\"Stolen\"}").put("/v1/projects/" + id).then().statusCode(404).body("error.code", is("NOT_FOUND"));
        other.api().body("{\"name\":\"Stolen\"}").patch("/v1/projects/" + id).then().statusCode(404);
        other.api().delete("/v1/projects/" + id).then().statusCode(404);
        other.api().get("/v1/projects").then().body("data.pagination.total", is(0));
        owner.api().get("/v1/projects/" + id).then().statusCode(200).body("data.name", is("Web Development Project"));
    }

    @Test
    void withoutAValidTokenTheAnswerIs401() {
        given().get("/v1/projects").then().statusCode(401).body("error.code", is("UNAUTHORIZED"));
        given().auth().oauth2("not-a-jwt").get("/v1/projects").then().statusCode(401).body("error.code", is("UNAUTHORIZED"));
        given().auth().oauth2(dev.companion.testing.TestTokens.expired("user_x")).get("/v1/projects").then().statusCode(401);
    }
}
