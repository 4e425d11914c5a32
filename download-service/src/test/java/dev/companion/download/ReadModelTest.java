package dev.companion.download;

import dev.companion.common.id.Ids;
import dev.companion.download.model.ImageRef;
import dev.companion.download.model.ProjectRef;
import dev.companion.download.repository.BlockingDb;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

/** The read models follow the other services' events, once per event. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_download"))
class ReadModelTest {

    @Inject
    BlockingDb db;

    private static void download(String user, String imageId, int status) {
        given().auth().oauth2(TestTokens.forUser(user)).contentType(ContentType.JSON).body("{}")
                .post("/v1/images/" + imageId + "/download").then().statusCode(status);
    }

    @Test
    void deletedImagesCannotBeDownloadedAndAReplayedCompleteDoesNotBringThemBack() {
        String user = TestData.userId();
        String imageId = Ids.newId("img");
        byte[] png = TestData.png(16, 16, 1);
        String completeId = Ids.newId("evt");
        TestData.imageEvent(completeId, user, imageId, null, null, "x", Instant.now(), png, 16, 16, true);
        TestData.awaitImage(db, imageId);
        download(user, imageId, 200);

        TestData.send("image.events", "gen_" + imageId, TestData.event(Ids.newId("evt"), "image.deleted", user,
                "{\"imageIds\":[\"" + imageId + "\"],\"generationId\":\"gen_" + imageId + "\",\"chatId\":null,\"projectId\":null}"));
        await().atMost(Duration.ofSeconds(20)).until(() -> db.read(() -> ImageRef.<ImageRef>findById(imageId)) == null);
        download(user, imageId, 404);

        // the same image.complete delivered again (same event id): applied once, so the image stays deleted
        TestData.imageEvent(completeId, user, imageId, null, null, "x", Instant.now(), png, 16, 16, false);
        String marker = Ids.newId("img");
        TestData.imageEvent(Ids.newId("evt"), user, marker, null, null, "y", Instant.now(), png, 16, 16, true);
        TestData.awaitImage(db, marker);
        assertThat(db.read(() -> ImageRef.<ImageRef>findById(imageId))).isNull();
        download(user, imageId, 404);
    }

    @Test
    void projectRenamesReachFileNamesAndDeletionRemovesImagesAndDownloads() {
        String user = TestData.userId();
        String token = TestTokens.forUser(user);
        String projectId = "proj_rm_" + user;
        TestData.project(db, user, projectId, "Before");
        TestData.Seeded image = TestData.image(db, user, projectId, null, "p", Instant.parse("2025-05-06T00:00:00Z"), 16, 16);

        TestData.send("project.events", projectId, TestData.event(Ids.newId("evt"), "project.updated", user,
                "{\"id\":\"" + projectId + "\",\"userId\":\"" + user + "\",\"name\":\"After\",\"archived\":false}"));
        await().atMost(Duration.ofSeconds(20)).until(() ->
                "After".equals(db.read(() -> ProjectRef.<ProjectRef>findById(projectId).map(p -> p == null ? null : p.name))));
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"format\":\"png\"}")
                .post("/v1/images/" + image.id() + "/download").then().statusCode(200)
                .body("data.fileName", is("After-2025-05-06-001.png"));
        given().auth().oauth2(token).get("/v1/downloads/history").then().body("data.pagination.total", is(1));

        TestData.send("project.events", projectId, TestData.event(Ids.newId("evt"), "project.deleted", user,
                "{\"id\":\"" + projectId + "\",\"userId\":\"" + user + "\"}"));
        await().atMost(Duration.ofSeconds(20)).until(() -> db.read(() -> ImageRef.<ImageRef>findById(image.id())) == null);
        given().auth().oauth2(token).get("/v1/downloads/history").then().body("data.pagination.total", is(0));
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"imageIds\":[\"" + image.id() + "\"]}")
                .post("/v1/images/download/bulk").then().statusCode(404);
    }
}
