package dev.companion.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.companion.image.ImageTestSupport.*;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.*;

@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_image"))
@QuarkusTestResource(FakeOpenAiResource.class)
class GenerationLifecycleTest {

    @BeforeAll
    static void log() {
        startEventLog();
    }

    @Test
    void requestProgressCompleteDownloadAndList() throws Exception {
        String alice = user();
        String token = TestTokens.forUser(alice);
        String chatId = "chat_" + alice.substring(5).toLowerCase();
        String projectId = "proj_" + alice.substring(5).toLowerCase();
        publish("chat.events", chatId, "chat.created", alice, Map.of("id", chatId, "projectId", projectId, "userId", alice,
                "name", "Logos", "model", "gpt-4", "archived", false, "starred", false, "messageCount", 0));
        // the read model catches up asynchronously: until then the chat is unknown (404)
        await().atMost(15, TimeUnit.SECONDS).until(() -> queryLong("SELECT count(*) FROM chat_ref WHERE chat_id = ?", chatId) == 1);

        var response = given().auth().oauth2(token).contentType("application/json")
                .body("{\"prompt\":\"A minimalist logo for a tech startup, blue and white colors\","
                        + "\"chatId\":\"" + chatId + "\",\"options\":{\"model\":\"offline-art\",\"size\":\"1792x1024\","
                        + "\"quality\":\"hd\",\"style\":\"natural\",\"n\":2}}")
                .post("/v1/images/generate").then().statusCode(201).extract();
        JsonPath accepted = response.jsonPath();
        String id = accepted.getString("data.id");
        assertTrue(response.header("Location").endsWith("/v1/images/generate/" + id));
        assertTrue(accepted.getBoolean("success"));
        assertTrue(id.matches("img_gen_[0-9a-z]{26}"), id);
        assertEquals("processing", accepted.getString("data.status"));
        assertEquals("A minimalist logo for a tech startup, blue and white colors", accepted.getString("data.prompt"));
        assertTrue(accepted.getInt("data.estimatedTime") >= 1);
        assertTrue(accepted.getInt("data.queuePosition") >= 0);
        assertNotNull(accepted.getString("requestId"));

        JsonPath done = awaitStatus(token, id, "completed", 60);
        List<Map<String, Object>> images = done.getList("data.images");
        assertEquals(2, images.size());
        for (int i = 0; i < 2; i++) {
            String url = done.getString("data.images[" + i + "].url");
            assertEquals("1792x1024", done.getString("data.images[" + i + "].size"));
            assertEquals("png", done.getString("data.images[" + i + "].format"));
            assertTrue(done.getString("data.images[" + i + "].id").matches("img_[0-9a-z]{26}"));
            assertTrue(done.getString("data.images[" + i + "].createdAt").endsWith("Z"));
            HttpResponse<byte[]> original = download(url);
            assertEquals(200, original.statusCode(), url);
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(original.body()));
            assertEquals(1792, img.getWidth());
            assertEquals(1024, img.getHeight());
            assertEquals((byte) 0x89, original.body()[0]);
            BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(download(done.getString("data.images[" + i + "].thumbnailUrl")).body()));
            assertEquals(256, thumb.getWidth());
            assertEquals(146, thumb.getHeight());
        }
        assertNotEquals(done.getString("data.images[0].checksum"), done.getString("data.images[1].checksum"));
        // the URL is a presigned one: without its signature the store refuses it
        String unsigned = done.getString("data.images[0].url").replaceAll("\\?.*", "");
        assertEquals(403, download(unsigned).statusCode());

        // events: progress then exactly one complete, for alice, keyed by the generation id
        await().atMost(15, TimeUnit.SECONDS).until(() -> events(id, "image.complete").size() == 1);
        List<JsonNode> progress = events(id, "image.progress");
        assertFalse(progress.isEmpty());
        assertTrue(progress.stream().allMatch(e -> alice.equals(e.path("userId").asText()) && id.equals(e.path("_key").asText())));
        assertTrue(progress.stream().anyMatch(e -> e.path("data").path("status").asText().equals("generating")));
        JsonNode complete = events(id, "image.complete").get(0);
        assertEquals(alice, complete.path("userId").asText());
        assertEquals(chatId, complete.path("data").path("chatId").asText());
        assertEquals(projectId, complete.path("data").path("projectId").asText());
        JsonNode first = complete.path("data").path("images").path(0);
        for (String f : List.of("id", "url", "thumbnailUrl", "size", "format", "createdAt", "width", "height", "bytes", "checksum", "storageKey")) {
            assertTrue(first.hasNonNull(f), f);
        }
        assertEquals(1792, first.path("width").asInt());
        assertEquals(1, jobs(id).size());
        assertEquals("image.requested", jobs(id).get(0).path("type").asText());
        assertEquals("1792x1024", jobs(id).get(0).path("data").path("options").path("size").asText());

        // list: all of alice's images, and filtered by project and chat
        given().auth().oauth2(token).get("/v1/images?projectId=" + projectId + "&limit=10").then().statusCode(200)
                .body("data.images.size()", is(2))
                .body("data.images.generationId", everyItem(is(id)))
                .body("data.pagination.total", is(2));
        given().auth().oauth2(token).get("/v1/images?chatId=" + chatId + "&limit=1&page=2").then().statusCode(200)
                .body("data.images.size()", is(1)).body("data.pagination.pages", is(2));
        given().auth().oauth2(token).get("/v1/images?projectId=proj_other").then().statusCode(200)
                .body("data.images.size()", is(0));
        String imageId = done.getString("data.images[0].id");
        given().auth().oauth2(token).get("/v1/images/" + imageId).then().statusCode(200)
                .body("data.id", is(imageId)).body("data.width", is(1792));

        // another user sees none of it
        String bob = TestTokens.forUser(user());
        given().auth().oauth2(bob).get("/v1/images/generate/" + id).then().statusCode(404).body("error.code", is("NOT_FOUND"));
        given().auth().oauth2(bob).get("/v1/images/" + imageId).then().statusCode(404);
        given().auth().oauth2(bob).delete("/v1/images/" + imageId).then().statusCode(404);
        given().auth().oauth2(bob).delete("/v1/images/generate/" + id).then().statusCode(404);
        given().auth().oauth2(bob).get("/v1/images?chatId=" + chatId).then().statusCode(200).body("data.images.size()", is(0));
        // ...and cannot attach a generation to alice's chat
        given().auth().oauth2(bob).contentType("application/json").body("{\"prompt\":\"x\",\"chatId\":\"" + chatId + "\"}")
                .post("/v1/images/generate").then().statusCode(404);

        // a finished generation cannot be cancelled
        given().auth().oauth2(token).delete("/v1/images/generate/" + id).then().statusCode(409).body("error.code", is("CONFLICT"));

        // deleting one image: gone from the list, from S3, and announced
        String url0 = done.getString("data.images[0].url");
        given().auth().oauth2(token).delete("/v1/images/" + imageId).then().statusCode(200);
        given().auth().oauth2(token).get("/v1/images/" + imageId).then().statusCode(404);
        assertEquals(404, download(url0).statusCode());
        await().atMost(15, TimeUnit.SECONDS).until(() -> events(id, "image.deleted").size() == 1);

        // chat.deleted removes the rest, rows and objects
        String url1 = done.getString("data.images[1].url");
        publish("chat.events", chatId, "chat.deleted", alice, Map.of("id", chatId, "projectId", projectId, "userId", alice));
        await().atMost(20, TimeUnit.SECONDS).until(() -> download(url1).statusCode() == 404);
        await().atMost(10, TimeUnit.SECONDS).until(() -> given().auth().oauth2(token).get("/v1/images/generate/" + id).statusCode() == 404);
        given().auth().oauth2(token).get("/v1/images?projectId=" + projectId).then().body("data.images.size()", is(0));
        await().atMost(15, TimeUnit.SECONDS).until(() -> events(id, "image.deleted").size() == 2);
    }

    @Test
    void projectDeletedRemovesItsImages() throws Exception {
        String carol = user();
        String token = TestTokens.forUser(carol);
        String chatId = "chat_" + carol.substring(5).toLowerCase();
        String projectId = "proj_" + carol.substring(5).toLowerCase();
        publish("chat.events", chatId, "chat.created", carol, Map.of("id", chatId, "projectId", projectId, "userId", carol));
        await().atMost(15, TimeUnit.SECONDS).until(() -> queryLong("SELECT count(*) FROM chat_ref WHERE chat_id = ?", chatId) == 1);
        String id = generate(token, "{\"prompt\":\"Lighthouse at dusk\",\"chatId\":\"" + chatId + "\"}").getString("data.id");
        String url = awaitStatus(token, id, "completed", 60).getString("data.images[0].url");
        assertEquals(200, download(url).statusCode());
        String eventId = publish("project.events", projectId, "project.deleted", carol, Map.of("id", projectId, "userId", carol));
        await().atMost(20, TimeUnit.SECONDS).until(() -> download(url).statusCode() == 404);
        await().atMost(10, TimeUnit.SECONDS).until(() -> queryLong("SELECT count(*) FROM image WHERE project_id = ?", projectId) == 0);
        assertEquals(0, queryLong("SELECT count(*) FROM chat_ref WHERE chat_id = ?", chatId));
        assertEquals(1, queryLong("SELECT count(*) FROM processed_event WHERE event_id = ?", eventId));
    }

    @Test
    void sameRequestRendersTheSamePixels() throws Exception {
        String token = TestTokens.forUser(user());
        String body = "{\"prompt\":\"Deterministic harbour\",\"options\":{\"size\":\"1024x1792\",\"style\":\"vivid\"}}";
        String a = generate(token, body).getString("data.id");
        String b = generate(token, body).getString("data.id");
        JsonPath da = awaitStatus(token, a, "completed", 60);
        JsonPath db = awaitStatus(token, b, "completed", 60);
        assertEquals(da.getString("data.images[0].checksum"), db.getString("data.images[0].checksum"));
        assertEquals("1024x1792", da.getString("data.images[0].size"));
        assertEquals("offline-art", da.getString("data.model"));
    }

    @Test
    void unauthenticatedIsRefused() {
        given().get("/v1/images").then().statusCode(401).body("error.code", is("UNAUTHORIZED"));
        given().contentType("application/json").body("{\"prompt\":\"x\"}").post("/v1/images/generate").then().statusCode(401);
    }
}
