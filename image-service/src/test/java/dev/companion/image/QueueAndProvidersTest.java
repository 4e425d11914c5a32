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
import java.util.concurrent.TimeUnit;

import static dev.companion.image.ImageTestSupport.*;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.*;

/** Queue behaviour (positions, cancel, per-user cap) and the OpenAI-compatible provider against a wire fake. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_image"))
@QuarkusTestResource(FakeOpenAiResource.class)
class QueueAndProvidersTest {

    @jakarta.inject.Inject
    dev.companion.image.events.ImageWorkers workers;

    @BeforeAll
    static void log() {
        startEventLog();
    }

    @Test
    void queuedJobCanBeCancelledAndCapIsEnforced() throws Exception {
        String u = user();
        String token = TestTokens.forUser(u);
        // a slow remote job keeps the worker(s) busy; jobs behind it wait in the queue
        String slow = generate(token, "{\"prompt\":\"slow cathedral\",\"options\":{\"model\":\"dall-e-3\"}}").getString("data.id");
        String slow2 = generate(token, "{\"prompt\":\"slow bridge\",\"options\":{\"model\":\"dall-e-3\"}}").getString("data.id");
        JsonPath third = generate(token, "{\"prompt\":\"queued fox\"}");
        String queued = third.getString("data.id");
        // a fourth concurrent generation is over the per-user cap (3 in tests)
        given().auth().oauth2(token).contentType("application/json").body("{\"prompt\":\"one too many\"}")
                .post("/v1/images/generate").then().statusCode(429)
                .body("error.code", is("RATE_LIMIT")).body("error.details.value", is(3));
        assertEquals(3, queryLong("SELECT count(*) FROM image_generation WHERE user_id = ?", u));

        if ("queued".equals(queryString("SELECT status FROM image_generation WHERE id = ?", queued))) {
            assertTrue(status(token, queued).getLong("data.queuePosition") >= 0);
        }
        given().auth().oauth2(token).delete("/v1/images/generate/" + queued).then().statusCode(200)
                .body("data.status", is("cancelled"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> events(queued, "image.failed").size() == 1);
        assertEquals("CANCELLED", events(queued, "image.failed").get(0).path("data").path("error").path("code").asText());

        awaitStatus(token, slow, "completed", 40);
        awaitStatus(token, slow2, "completed", 40);
        // the cancelled job's message was delivered too, and skipped: no images, still cancelled
        await().atMost(10, TimeUnit.SECONDS).until(() -> queryLong(
                "SELECT count(*) FROM image_generation WHERE status = 'queued' AND seq < (SELECT seq FROM image_generation WHERE id = ?)", queued) == 0);
        // and it stays cancelled
        await().during(1, TimeUnit.SECONDS).atMost(5, TimeUnit.SECONDS)
                .until(() -> "cancelled".equals(queryString("SELECT status FROM image_generation WHERE id = ?", queued)));
        JsonPath after = status(token, queued);
        assertEquals("cancelled", after.getString("data.status"));
        assertNull(after.get("data.images"));
        assertEquals(0, queryLong("SELECT count(*) FROM image WHERE generation_id = ?", queued));
        assertTrue(events(queued, "image.complete").isEmpty());
        // capacity is back once jobs are done
        generate(token, "{\"prompt\":\"after the rush\"}");
    }

    @Test
    void runningJobCanBeCancelledAndLeavesNothing() throws Exception {
        String token = TestTokens.forUser(user());
        String id = generate(token, "{\"prompt\":\"slow cancelled castle\",\"options\":{\"model\":\"dall-e-3\",\"n\":3}}")
                .getString("data.id");
        await().atMost(30, TimeUnit.SECONDS).until(() -> "processing".equals(queryString("SELECT status FROM image_generation WHERE id = ?", id)));
        given().auth().oauth2(token).delete("/v1/images/generate/" + id).then().statusCode(200).body("data.status", is("cancelled"));
        // the worker notices at its next heartbeat and lets go of the job before drawing all three images (3 × 4 s at the fake)
        await().atMost(15, TimeUnit.SECONDS).until(() -> workers.workers().stream().noneMatch(w -> id.equals(w.currentJob())));
        assertEquals("cancelled", status(token, id).getString("data.status"));
        assertEquals(0, queryLong("SELECT count(*) FROM image WHERE generation_id = ?", id));
        assertTrue(events(id, "image.complete").isEmpty());
        assertTrue(FakeOpenAiResource.IMAGE_REQUESTS.stream().filter(r -> r.path("prompt").asText().equals("slow cancelled castle")).count() < 3);
    }

    @Test
    void openAiProviderReturnsBase64Images() throws Exception {
        String token = TestTokens.forUser(user());
        String id = generate(token, "{\"prompt\":\"A lighthouse, blue hour\",\"options\":{\"model\":\"dall-e-3\","
                + "\"size\":\"1024x1792\",\"quality\":\"hd\",\"style\":\"natural\",\"n\":2}}").getString("data.id");
        JsonPath done = awaitStatus(token, id, "completed", 40);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(download(done.getString("data.images[1].url")).body()));
        assertEquals(1024, img.getWidth());
        assertEquals(1792, img.getHeight());
        JsonNode sent = FakeOpenAiResource.IMAGE_REQUESTS.stream()
                .filter(r -> r.path("prompt").asText().equals("A lighthouse, blue hour")).findFirst().orElseThrow();
        assertEquals("dall-e-3", sent.path("model").asText());
        assertEquals("1024x1792", sent.path("size").asText());
        assertEquals("hd", sent.path("quality").asText());
        assertEquals("natural", sent.path("style").asText());
        assertEquals("b64_json", sent.path("response_format").asText());
        assertEquals(1, sent.path("n").asInt());
        assertTrue(FakeOpenAiResource.AUTH_HEADERS.contains("Bearer test-key"));
    }

    @Test
    void transientProviderErrorsAreRetried() throws Exception {
        String token = TestTokens.forUser(user());
        String id = generate(token, "{\"prompt\":\"flaky meadow\",\"options\":{\"model\":\"dall-e-3\"}}").getString("data.id");
        awaitStatus(token, id, "completed", 40);
        assertEquals(3, FakeOpenAiResource.IMAGE_REQUESTS.stream().filter(r -> r.path("prompt").asText().equals("flaky meadow")).count());
    }

    @Test
    void urlsAreFetchedOnlyFromTheProviderHost() throws Exception {
        String token = TestTokens.forUser(user());
        String ok = generate(token, "{\"prompt\":\"url-mode canyon\",\"options\":{\"model\":\"dall-e-3\"}}").getString("data.id");
        String evil = generate(token, "{\"prompt\":\"evil-url canyon\",\"options\":{\"model\":\"dall-e-3\"}}").getString("data.id");
        awaitStatus(token, ok, "completed", 40);
        assertTrue(FakeOpenAiResource.FILE_DOWNLOADS.get() >= 1);
        JsonPath failed = awaitStatus(token, evil, "failed", 40);
        assertEquals("PROVIDER_REJECTED", failed.getString("data.error.code"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> events(evil, "image.failed").size() == 1);
        assertEquals("PROVIDER_REJECTED", events(evil, "image.failed").get(0).path("data").path("error").path("code").asText());
        assertEquals(0, queryLong("SELECT count(*) FROM image WHERE generation_id = ?", evil));
    }

    @Test
    void providerRefusalFailsTheGeneration() throws Exception {
        String token = TestTokens.forUser(user());
        String id = generate(token, "{\"prompt\":\"refuse this\",\"options\":{\"model\":\"dall-e-3\"}}").getString("data.id");
        JsonPath failed = awaitStatus(token, id, "failed", 40);
        assertTrue(failed.getString("data.error.message").contains("safety system"));
        assertEquals(1, FakeOpenAiResource.IMAGE_REQUESTS.stream().filter(r -> r.path("prompt").asText().equals("refuse this")).count());
    }
}
