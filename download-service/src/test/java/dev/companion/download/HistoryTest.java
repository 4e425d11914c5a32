package dev.companion.download;

import dev.companion.download.repository.BlockingDb;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_download"))
class HistoryTest {

    @Inject
    BlockingDb db;

    @Test
    void historyIsNewestFirstPagedAndPrivate() {
        String user = TestData.userId();
        String token = TestTokens.forUser(user);
        TestData.project(db, user, "proj_h_" + user, "History");
        TestData.chat(db, user, "chat_h_" + user, "proj_h_" + user, "Talk");
        TestData.Seeded image = TestData.image(db, user, "proj_h_" + user, "chat_h_" + user, "p", Instant.parse("2025-01-19T10:30:00Z"), 24, 24);

        List<String> made = new ArrayList<>();
        for (String format : List.of("png", "jpg", "webp")) {
            made.add(given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"format\":\"" + format + "\"}")
                    .post("/v1/images/" + image.id() + "/download").then().statusCode(200).extract().jsonPath().getString("data.id"));
        }
        made.add(given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"imageIds\":[\"" + image.id() + "\"],\"format\":\"jpg\"}")
                .post("/v1/images/download/bulk").then().statusCode(200).extract().jsonPath().getString("data.id"));

        JsonPath page1 = given().auth().oauth2(token).get("/v1/downloads/history?page=1&limit=3")
                .then().statusCode(200).body("success", is(true)).extract().jsonPath();
        assertThat(page1.getList("data.downloads.id", String.class)).containsExactly(made.get(3), made.get(2), made.get(1));
        assertThat(page1.getInt("data.pagination.page")).isEqualTo(1);
        assertThat(page1.getInt("data.pagination.limit")).isEqualTo(3);
        assertThat(page1.getInt("data.pagination.total")).isEqualTo(4);
        assertThat(page1.getString("data.downloads[0].type")).isEqualTo("bulk");
        assertThat(page1.getString("data.downloads[0].source.projectId")).isEqualTo("proj_h_" + user);

        JsonPath page2 = given().auth().oauth2(token).get("/v1/downloads/history?page=2&limit=3")
                .then().statusCode(200).extract().jsonPath();
        assertThat(page2.getList("data.downloads.id", String.class)).containsExactly(made.get(0));
        JsonPath single = new JsonPath(page2.prettify()).setRootPath("data.downloads[0]");
        assertThat(single.getString("type")).isEqualTo("single");
        assertThat(single.getString("fileName")).isEqualTo("History-2025-01-19-001.png");
        assertThat(single.getLong("size")).isEqualTo(image.png().length);
        assertThat(Instant.parse(single.getString("downloadedAt"))).isBefore(Instant.now().plusSeconds(1));
        assertThat(single.getString("source.imageId")).isEqualTo(image.id());
        assertThat(single.getString("source.chatId")).isEqualTo("chat_h_" + user);
        assertThat(single.getString("source.projectId")).isEqualTo("proj_h_" + user);

        given().auth().oauth2(token).get("/v1/downloads/history?page=3&limit=3")
                .then().statusCode(200).body("data.downloads.size()", is(0)).body("data.pagination.total", is(4));
        given().auth().oauth2(TestTokens.forUser(TestData.userId())).get("/v1/downloads/history")
                .then().statusCode(200).body("data.downloads.size()", is(0)).body("data.pagination.total", is(0));
        given().auth().oauth2(token).get("/v1/downloads/history?limit=101").then().statusCode(400)
                .body("error.details.field", is("limit")).body("error.details.constraint", is("max"));
        given().auth().oauth2(token).get("/v1/downloads/history?page=0").then().statusCode(400)
                .body("error.details.field", is("page"));
    }
}
