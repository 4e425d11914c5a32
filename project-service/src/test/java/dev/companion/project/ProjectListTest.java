package dev.companion.project;

import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.hamcrest.Matchers.*;

@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_project"))
class ProjectListTest {

    @Test
    void paginationArithmeticAtTheEdges() {
        TestUsers u = TestUsers.fresh();
        u.api().get("/v1/projects").then().statusCode(200)
                .body("data.projects", empty())
                .body("data.pagination.page", is(1))
                .body("data.pagination.limit", is(20))
                .body("data.pagination.total", is(0))
                .body("data.pagination.pages", is(0));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(ProjectApiTest.create(u, "Project " + i, null, List.of()));
        }
        // default order: newest first
        u.api().get("/v1/projects").then().body("data.projects.id", contains(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0)))
                .body("data.projects[0].chatCount", is(0))
                .body("data.projects[0].lastActivity", notNullValue());
        page(u, 1, 2).body("data.projects", hasSize(2)).body("data.pagination.total", is(5)).body("data.pagination.pages", is(3));
        page(u, 3, 2).body("data.projects.id", contains(ids.get(0))).body("data.pagination.page", is(3));
        page(u, 4, 2).body("data.projects", empty()).body("data.pagination.total", is(5)).body("data.pagination.pages", is(3));
        page(u, 1, 5).body("data.projects", hasSize(5)).body("data.pagination.pages", is(1));
        page(u, 1, 4).body("data.pagination.pages", is(2));
        page(u, 1, 100).body("data.pagination.limit", is(100)).body("data.pagination.pages", is(1));
        page(u, 1, 1).body("data.pagination.pages", is(5));
        badQuery(u, "limit", "101", "limit", "max", 100);
        badQuery(u, "limit", "0", "limit", "min", 1);
        badQuery(u, "page", "0", "page", "min", 1);
        badQuery(u, "page", "-1", "page", "min", 1);
        badQuery(u, "page", "two", "page", "type", "integer");
        badQuery(u, "limit", "1.5", "limit", "type", "integer");
    }

    private static io.restassured.response.ValidatableResponse page(TestUsers u, int page, int limit) {
        return u.api().queryParam("page", page).queryParam("limit", limit).get("/v1/projects").then().statusCode(200);
    }

    private static void badQuery(TestUsers u, String name, String value, String field, String constraint, Object limit) {
        u.api().queryParam(name, value).get("/v1/projects").then().statusCode(400)
                .body("error.code", is("VALIDATION_ERROR"))
                .body("error.details.field", is(field))
                .body("error.details.constraint", is(constraint))
                .body("error.details.value", is(limit));
    }

    @Test
    void searchIsCaseInsensitiveOverNameAndDescriptionAndTakesWildcardsLiterally() {
        TestUsers u = TestUsers.fresh();
        String react = ProjectApiTest.create(u, "React Dashboard", "frontend work", List.of());
        String api = ProjectApiTest.create(u, "Billing API", "Serves REACTIVE streams", List.of());
        String percent = ProjectApiTest.create(u, "100% coverage", "tests_only", List.of());
        ProjectApiTest.create(u, "Unrelated", "nothing here", List.of());
        u.api().queryParam("search", "react").queryParam("sort", "name").queryParam("order", "asc").get("/v1/projects").then()
                .statusCode(200).body("data.projects.id", contains(api, react)).body("data.pagination.total", is(2));
        u.api().queryParam("search", "DASHBOARD").get("/v1/projects").then().body("data.projects.id", contains(react));
        u.api().queryParam("search", "%").get("/v1/projects").then().body("data.projects.id", contains(percent));
        u.api().queryParam("search", "_").get("/v1/projects").then().body("data.projects.id", contains(percent));
        u.api().queryParam("search", "' OR 1=1 --").get("/v1/projects").then().statusCode(200).body("data.projects", empty());
        u.api().queryParam("search", "x".repeat(101)).get("/v1/projects").then().statusCode(400)
                .body("error.details.field", is("search")).body("error.details.constraint", is("maxLength"));
        // another user's projects never match
        TestUsers.fresh().api().queryParam("search", "react").get("/v1/projects").then().body("data.projects", empty());
    }

    @Test
    void tagsFilterKeepsProjectsCarryingAllGivenTags() {
        TestUsers u = TestUsers.fresh();
        String both = ProjectApiTest.create(u, "Both", null, List.of("react", "frontend", "spa"));
        String reactOnly = ProjectApiTest.create(u, "React only", null, List.of("react"));
        ProjectApiTest.create(u, "Backend", null, List.of("java"));
        u.api().queryParam("tags", "react").queryParam("order", "asc").get("/v1/projects").then()
                .body("data.projects.id", contains(both, reactOnly));
        u.api().queryParam("tags", "react,frontend").get("/v1/projects").then().body("data.projects.id", contains(both));
        u.api().queryParam("tags", "react").queryParam("tags", "spa").get("/v1/projects").then().body("data.projects.id", contains(both));
        u.api().queryParam("tags", "react,rust").get("/v1/projects").then().body("data.projects", empty());
        u.api().queryParam("tags", "React").get("/v1/projects").then().statusCode(400).body("error.details.field", is("tags"));
        u.api().queryParam("tags", "react").queryParam("search", "only").get("/v1/projects").then()
                .body("data.projects.id", contains(reactOnly));
    }

    @Test
    void sortIsWhitelistedAndOrdered() throws InterruptedException {
        TestUsers u = TestUsers.fresh();
        String b = ProjectApiTest.create(u, "beta", null, List.of());
        Ticks.nextMillisecond();
        String a = ProjectApiTest.create(u, "Alpha", null, List.of());
        Ticks.nextMillisecond();
        String c = ProjectApiTest.create(u, "Charlie", null, List.of());
        Ticks.nextMillisecond();
        u.api().body("{\"description\":\"touched\"}").put("/v1/projects/" + b).then().statusCode(200);
        sorted(u, "name", "asc").body("data.projects.id", contains(a, b, c));
        sorted(u, "name", "desc").body("data.projects.id", contains(c, b, a));
        sorted(u, "createdAt", "asc").body("data.projects.id", contains(b, a, c));
        sorted(u, "createdAt", "desc").body("data.projects.id", contains(c, a, b));
        sorted(u, "updatedAt", "desc").body("data.projects.id", contains(b, c, a));
        sorted(u, "lastActivity", "asc").body("data.projects.id", contains(b, a, c));
        for (String attack : List.of("name; DROP TABLE project", "created_at", "id", "(select 1)", "name desc", "NAME")) {
            u.api().queryParam("sort", attack).get("/v1/projects").then().statusCode(400)
                    .body("error.code", is("VALIDATION_ERROR"))
                    .body("error.details.field", is("sort"))
                    .body("error.details.constraint", is("oneOf"))
                    .body("error.details.value", contains("createdAt", "updatedAt", "name", "lastActivity"));
        }
        u.api().queryParam("order", "sideways").get("/v1/projects").then().statusCode(400).body("error.details.field", is("order"));
        u.api().get("/v1/projects").then().statusCode(200).body("data.pagination.total", is(3));
    }

    private static io.restassured.response.ValidatableResponse sorted(TestUsers u, String sort, String order) {
        return u.api().queryParam("sort", sort).queryParam("order", order).get("/v1/projects").then().statusCode(200);
    }
}
