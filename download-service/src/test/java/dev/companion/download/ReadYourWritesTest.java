package dev.companion.download;

import dev.companion.common.id.Ids;
import dev.companion.download.model.ChatRef;
import dev.companion.download.model.ImageRef;
import dev.companion.download.model.ProjectRef;
import dev.companion.download.repository.BlockingDb;
import dev.companion.download.repository.ChatRefRepository;
import dev.companion.testing.FakeOwner;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An image whose image.complete has not reached download-service yet is asked of image-service (and
 * its project's and chat's names of their owners) with the caller's token: it downloads and bundles at
 * once; image-service's no is 404, its absence 503 with Retry-After, never a false 404.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_download"))
@QuarkusTestResource(value = FakeOwner.class, initArgs = @ResourceArg(name = "owners",
        value = "image-service=/v1/images/,project-service=/v1/projects/,chat-service=/v1/chats/"))
class ReadYourWritesTest {

    private static final FakeOwner.Resources IMAGES = FakeOwner.at("/v1/images/");
    private static final FakeOwner.Resources PROJECTS = FakeOwner.at("/v1/projects/");
    private static final FakeOwner.Resources CHATS = FakeOwner.at("/v1/chats/");

    @Inject
    BlockingDb db;

    @Inject
    ChatRefRepository chatRefs;

    @TestHTTPResource("/")
    URL base;

    /** An image stored and known to image-service (and its project and chat to their owners) only. */
    private static String ownerOnlyImage(String userId, byte[] png) {
        String imageId = Ids.newId("img");
        String projectId = Ids.newId("proj");
        String chatId = Ids.newId("chat");
        String key = "generations/gen_" + imageId + "/a1/" + imageId + ".png";
        TestData.upload(key, png);
        Map<String, Object> image = new java.util.LinkedHashMap<>(Map.of("format", "png", "size", "64x48", "width", 64,
                "height", 48, "bytes", png.length, "generationId", "img_gen_x", "chatId", chatId, "projectId", projectId));
        image.putAll(Map.of("prompt", "a fox", "createdAt", "2025-01-19T10:00:00Z", "storageKey", key));
        IMAGES.own(imageId, userId, image);
        PROJECTS.own(projectId, userId, Map.of("name", "Fresh Project", "updatedAt", "2025-01-19T09:00:00Z"));
        CHATS.own(chatId, userId, Map.of("name", "Fresh Chat", "projectId", projectId, "updatedAt", "2025-01-19T09:30:00Z"));
        return imageId;
    }

    @Test
    void anImageOnlyImageServiceKnowsYetDownloadsAndBundlesAtOnce() {
        String user = TestData.userId();
        String token = TestTokens.forUser(user);
        byte[] png = TestData.png(64, 48, 7);
        String imageId = ownerOnlyImage(user, png);

        String fileName = given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("format", "png"))
                .post("/v1/images/" + imageId + "/download").then().statusCode(200).extract().path("data.fileName");
        assertEquals("Fresh Project-2025-01-19-001.png", fileName, "the project's name came from project-service");
        assertEquals(List.of("Bearer " + token), IMAGES.authorizationsFor(imageId), "asked once, with the caller's token");

        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("imageIds", List.of(imageId), "format", "png", "createZip", false, "namingPattern", "{chat}-{index}"))
                .post("/v1/images/download/bulk").then().statusCode(200).body("data.status", is("ready"))
                .body("data.files[0].fileName", is("Fresh Chat-001.png"));
        assertEquals(1, IMAGES.authorizationsFor(imageId).size(), "the bundle was answered from the read model");
        String url = given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("format", "png"))
                .post("/v1/images/" + imageId + "/download").then().statusCode(200).extract().path("data.downloadUrl");
        assertArrayEquals(png, TestData.fetch(url).body(), "the original, read by the storage key image-service gave");
    }

    @Test
    void imageServicesNoIs404AndItsAbsence503WithRetryAfter() {
        String user = TestData.userId();
        String token = TestTokens.forUser(user);
        String someoneElses = ownerOnlyImage(TestData.userId(), TestData.png(16, 16, 1));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("format", "png"))
                .post("/v1/images/" + someoneElses + "/download").then().statusCode(404).body("error.code", is("NOT_FOUND"));

        String mine = ownerOnlyImage(user, TestData.png(16, 16, 2));
        IMAGES.down(true);
        try {
            String retryAfter = given().auth().oauth2(token).contentType(ContentType.JSON)
                    .body(Map.of("imageIds", List.of(mine), "format", "png", "createZip", true))
                    .post("/v1/images/download/bulk").then().statusCode(503).body("error.code", is("SERVICE_UNAVAILABLE"))
                    .extract().header("Retry-After");
            assertTrue(Integer.parseInt(retryAfter) > 0, "Retry-After " + retryAfter);
        } finally {
            IMAGES.down(false);
        }
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("format", "png"))
                .post("/v1/images/" + mine + "/download").then().statusCode(200);
    }

    /** Several images, each known only to image-service, with its own project and chat. */
    private static List<String> ownerOnlyImages(String userId, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(ownerOnlyImage(userId, TestData.png(24 + i, 16, 100 + i)));
        }
        return ids;
    }

    @Test
    void aBundleOfSeveralUnseenImagesIsMadeAndTheyAreKeptWithTheKeysImageServiceGave() throws IOException {
        String user = TestData.userId();
        String token = TestTokens.forUser(user);
        List<String> ids = ownerOnlyImages(user, 3);

        Response r = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("imageIds", ids, "format", "png", "createZip", true, "folderStructure", "grouped",
                        "namingPattern", "{id}"))
                .post("/v1/images/download/bulk");
        assertThat(r.statusCode()).as(r.body().asString()).isEqualTo(200);
        Map<String, BulkDownloadTest.Entry> zip = BulkDownloadTest.unzip(TestData.fetch(r.jsonPath().getString("data.downloadUrl")).body());
        assertThat(zip.keySet()).containsExactlyElementsOf(ids.stream().map(id -> "Fresh Project/Fresh Chat/" + id + ".png").toList());

        for (String id : ids) {
            ImageRef ref = db.read(() -> ImageRef.<ImageRef>findById(id));
            assertThat(ref).as(id).isNotNull();
            assertThat(ref.userId).isEqualTo(user);
            assertThat(ref.storageKey).isEqualTo("generations/gen_" + id + "/a1/" + id + ".png");
            assertThat(db.read(() -> ProjectRef.<ProjectRef>findById(ref.projectId)).name).isEqualTo("Fresh Project");
            assertThat(db.read(() -> ChatRef.<ChatRef>findById(ref.chatId)).name).isEqualTo("Fresh Chat");
            assertThat(IMAGES.authorizationsFor(id)).containsExactly("Bearer " + token);
        }
    }

    @Test
    void aBulkNamingAnImageImageServiceRefusesIs404AndNothingIsMade() {
        String user = TestData.userId();
        String token = TestTokens.forUser(user);
        List<String> ids = new ArrayList<>(ownerOnlyImages(user, 2));
        String someoneElses = ownerOnlyImage(TestData.userId(), TestData.png(16, 16, 3));
        ids.add(1, someoneElses);
        long before = db.read(() -> dev.companion.download.model.Download.count("userId", user));

        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("imageIds", ids, "format", "png", "createZip", true))
                .post("/v1/images/download/bulk").then().statusCode(404)
                .body("error.code", is("NOT_FOUND")).body("error.details.id", is(someoneElses));
        assertThat(db.read(() -> dev.companion.download.model.Download.count("userId", user))).isEqualTo(before);
        assertThat(db.read(() -> ImageRef.<ImageRef>findById(someoneElses))).isNull();
    }

    @Test
    void simultaneousFirstDownloadsOfAnUnseenImageAllSucceed() {
        String user = TestData.userId();
        String token = TestTokens.forUser(user);
        String imageId = ownerOnlyImage(user, TestData.png(32, 32, 9));
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "v1/images/" + imageId + "/download"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"format\":\"png\"}")).timeout(Duration.ofSeconds(30)).build();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> a : answers) {
            HttpResponse<String> response = a.join();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
        assertThat(db.read(() -> ImageRef.<ImageRef>findById(imageId)).storageKey).endsWith(imageId + ".png");
    }

    @Test
    void aProjectNameLearnedFromItsOwnerFollowsNewerEventsAndIgnoresOlderOnes() {
        String user = TestData.userId();
        String token = TestTokens.forUser(user);
        String imageId = ownerOnlyImage(user, TestData.png(16, 16, 4));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("format", "png"))
                .post("/v1/images/" + imageId + "/download").then().statusCode(200);
        String projectId = db.read(() -> ImageRef.<ImageRef>findById(imageId)).projectId;
        assertThat(db.read(() -> ProjectRef.<ProjectRef>findById(projectId)).name).isEqualTo("Fresh Project");

        projectEvent(user, projectId, "Renamed", Instant.now());
        await().atMost(Duration.ofSeconds(20)).until(() -> "Renamed".equals(db.read(() -> ProjectRef.<ProjectRef>findById(projectId)).name));

        // an older state arriving late (as a lookup answered before the rename would be): applied, but it changes nothing
        String stale = projectEvent(user, projectId, "Stale", Instant.parse("2024-06-01T00:00:00Z"));
        await().atMost(Duration.ofSeconds(20)).until(() -> processed(stale));
        assertThat(db.read(() -> ProjectRef.<ProjectRef>findById(projectId)).name).isEqualTo("Renamed");
        String fileName = given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("format", "png"))
                .post("/v1/images/" + imageId + "/download").then().statusCode(200).extract().path("data.fileName");
        assertEquals("Renamed-2025-01-19-001.png", fileName);
    }

    @Test
    void theChatUpsertIsIdempotentAndKeepsTheNewerState() {
        String user = TestData.userId();
        String chatId = Ids.newId("chat");
        Instant newer = Instant.parse("2026-01-02T00:00:00Z");
        db.transaction(() -> chatRefs.upsert(chatId, user, "proj_a", "Newer", newer));
        db.transaction(() -> chatRefs.upsert(chatId, user, "proj_a", "Newer", newer));
        db.transaction(() -> chatRefs.upsert(chatId, user, "proj_a", "Older", newer.minusSeconds(60)));
        ChatRef ref = db.read(() -> ChatRef.<ChatRef>findById(chatId));
        assertThat(ref.name).isEqualTo("Newer");
        assertThat(ref.updatedAt).isEqualTo(newer);
        db.transaction(() -> chatRefs.upsert(chatId, user, "proj_a", "Newest", newer.plusSeconds(60)));
        assertThat(db.read(() -> ChatRef.<ChatRef>findById(chatId)).name).isEqualTo("Newest");
    }

    private static String projectEvent(String user, String projectId, String name, Instant updatedAt) {
        String eventId = Ids.newId("evt");
        TestData.send("project.events", projectId, TestData.event(eventId, "project.updated", user,
                "{\"id\":\"" + projectId + "\",\"userId\":\"" + user + "\",\"name\":" + TestData.json(name)
                        + ",\"description\":null,\"tags\":[],\"color\":null,\"settings\":{},\"archived\":false,"
                        + "\"createdAt\":\"2024-01-01T00:00:00Z\",\"updatedAt\":\"" + updatedAt + "\"}"));
        return eventId;
    }

    private boolean processed(String eventId) {
        Object n = db.read(() -> Panache.getSession().flatMap(s -> s.createNativeQuery(
                "SELECT count(*) FROM processed_event WHERE event_id = ?1").setParameter(1, eventId).getSingleResult()));
        return ((Number) n).longValue() == 1;
    }
}
