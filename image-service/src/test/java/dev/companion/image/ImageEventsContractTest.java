package dev.companion.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.id.Ids;
import dev.companion.events.ChatCreated;
import dev.companion.events.GeneratedImage;
import dev.companion.events.ImageComplete;
import dev.companion.events.ImageDeleted;
import dev.companion.events.ImageFailed;
import dev.companion.events.ImageProgress;
import dev.companion.events.ImageRequested;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.companion.image.ImageTestSupport.*;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Contract, producer side: what image-service writes on image.jobs and image.events (outbox and
 * ProgressPublisher) decodes into the typed records of the events module with every required field set,
 * under the generation's key, with exactly the field names the consumers read today (download-service and
 * auth-service: image.complete/deleted; the gateway: all; the workers: image.requested).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_image"))
@QuarkusTestResource(FakeOpenAiResource.class)
class ImageEventsContractTest {

    @Inject
    ObjectMapper mapper;

    @BeforeAll
    static void log() {
        startEventLog();
    }

    @Test
    void requestedProgressCompleteAndDeletedAreTheTypedRecords() throws Exception {
        String u = user();
        String token = TestTokens.forUser(u);
        String chatId = Ids.newId("chat");
        String projectId = Ids.newId("proj");
        String t = Instant.now().toString();
        publish(mapper, new ChatCreated(chatId, projectId, u, "Contract", "gpt-4o-mini", false, false, 0, t, t), u);
        await().atMost(20, TimeUnit.SECONDS).until(() -> queryLong("SELECT count(*) FROM chat_ref WHERE chat_id = ?", chatId) == 1);

        String id = generate(token, "{\"prompt\":\"Contract atlas\",\"chatId\":\"" + chatId + "\",\"options\":"
                + "{\"model\":\"offline-art\",\"size\":\"1792x1024\",\"quality\":\"hd\",\"style\":\"natural\",\"n\":2}}")
                .getString("data.id");
        JsonPath done = awaitStatus(token, id, "completed", 60);

        // image.requested on image.jobs
        await().atMost(15, TimeUnit.SECONDS).until(() -> !jobs(id).isEmpty());
        JsonNode job = jobs(id).get(0);
        assertEquals(ImageRequested.TYPE, job.path("type").asText());
        assertEquals(id, job.path("_key").asText());
        assertEquals(List.of("generationId", "userId", "prompt", "chatId", "projectId", "options"), fields(job.get("data")));
        assertEquals(List.of("model", "size", "quality", "style", "n"), fields(job.get("data").get("options")));
        ImageRequested requested = decode(mapper, job, ImageRequested.class);
        assertEquals(u, requested.userId());
        assertEquals(chatId, requested.chatId());
        assertEquals(projectId, requested.projectId());
        assertEquals("Contract atlas", requested.prompt());
        assertEquals("offline-art", requested.options().model());
        assertEquals("1792x1024", requested.options().size());
        assertEquals("hd", requested.options().quality());
        assertEquals("natural", requested.options().style());
        assertEquals(2, requested.options().n());

        // image.progress, straight to Kafka, rising
        await().atMost(15, TimeUnit.SECONDS).until(() -> events(id, ImageProgress.TYPE).size() >= 2);
        int last = -1;
        for (JsonNode p : events(id, ImageProgress.TYPE)) {
            assertEquals(id, p.path("_key").asText());
            assertEquals(u, p.path("userId").asText());
            assertEquals(List.of("generationId", "progress", "status"), fields(p.get("data")));
            ImageProgress progress = decode(mapper, p, ImageProgress.class);
            assertTrue(progress.progress() > last, "progress rises");
            last = progress.progress();
        }

        // image.complete
        await().atMost(15, TimeUnit.SECONDS).until(() -> events(id, ImageComplete.TYPE).size() == 1);
        JsonNode c = events(id, ImageComplete.TYPE).get(0);
        assertEquals(id, c.path("_key").asText());
        assertEquals(u, c.path("userId").asText());
        assertEquals(List.of("generationId", "chatId", "projectId", "prompt", "images"), fields(c.get("data")));
        assertEquals(List.of("id", "url", "thumbnailUrl", "size", "format", "createdAt", "width", "height", "bytes",
                "checksum", "storageKey"), fields(c.get("data").get("images").get(0)));
        ImageComplete complete = decode(mapper, c, ImageComplete.class);
        assertEquals(chatId, complete.chatId());
        assertEquals(projectId, complete.projectId());
        assertEquals(2, complete.images().size());
        for (int i = 0; i < 2; i++) {
            GeneratedImage img = complete.images().get(i);
            assertEquals(done.getString("data.images[" + i + "].id"), img.id());
            assertEquals(done.getString("data.images[" + i + "].checksum"), img.checksum());
            assertEquals(done.getString("data.images[" + i + "].storageKey"), img.storageKey());
            // consumers (download-service) believe only keys under the event user's prefix naming its generation
            assertTrue(img.storageKey().matches("users/" + u + "/generations/" + id + "/a\\d+/" + img.id() + "\\.[a-z]+"),
                    img.storageKey());
            assertEquals("1792x1024", img.size());
            assertEquals(1792, img.width());
            assertEquals(1024, img.height());
            assertTrue(img.bytes() > 0);
            assertEquals(200, download(img.url()).statusCode());
            assertEquals(200, download(img.thumbnailUrl()).statusCode());
        }

        // image.deleted
        String imageId = complete.images().get(0).id();
        given().auth().oauth2(token).delete("/v1/images/" + imageId).then().statusCode(200);
        await().atMost(15, TimeUnit.SECONDS).until(() -> events(id, ImageDeleted.TYPE).size() == 1);
        JsonNode d = events(id, ImageDeleted.TYPE).get(0);
        assertEquals(id, d.path("_key").asText());
        assertEquals(List.of("imageIds", "generationId", "chatId", "projectId"), fields(d.get("data")));
        ImageDeleted deleted = decode(mapper, d, ImageDeleted.class);
        assertEquals(List.of(imageId), deleted.imageIds());
        assertEquals(chatId, deleted.chatId());
        assertEquals(projectId, deleted.projectId());
    }

    @Test
    void aFailedGenerationIsTheTypedImageFailed() throws Exception {
        String u = user();
        String token = TestTokens.forUser(u);
        String id = generate(token, "{\"prompt\":\"refuse this contract\",\"options\":{\"model\":\"dall-e-3\"}}").getString("data.id");
        awaitStatus(token, id, "failed", 40);
        await().atMost(15, TimeUnit.SECONDS).until(() -> events(id, ImageFailed.TYPE).size() == 1);
        JsonNode f = events(id, ImageFailed.TYPE).get(0);
        assertEquals(id, f.path("_key").asText());
        assertEquals(u, f.path("userId").asText());
        assertEquals(List.of("generationId", "error"), fields(f.get("data")));
        assertEquals(List.of("code", "message"), fields(f.get("data").get("error")));
        ImageFailed failed = decode(mapper, f, ImageFailed.class);
        assertNotNull(failed.error().code());
        assertFalse(failed.error().message().isBlank());
        // an unchatted job: chatId and projectId are written as null, never left out
        await().atMost(15, TimeUnit.SECONDS).until(() -> !jobs(id).isEmpty());
        JsonNode job = jobs(id).get(0).get("data");
        assertTrue(job.has("chatId") && job.get("chatId").isNull());
        assertTrue(job.has("projectId") && job.get("projectId").isNull());
    }
}
