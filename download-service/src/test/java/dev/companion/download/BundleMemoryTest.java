package dev.companion.download;

import dev.companion.common.id.Ids;
import dev.companion.download.model.ImageRef;
import dev.companion.download.repository.BlockingDb;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bundles 150 images (≈ 70 MB of zip) while sampling the live heap (after a forced GC, every 500 ms):
 * if the zip were held in memory the live heap would grow by its size; streaming keeps it flat.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_download"))
class BundleMemoryTest {

    private static final int IMAGES = 150;
    private static final long MB = 1024 * 1024;

    @Inject
    BlockingDb db;

    @Test
    void aLargeBundleDoesNotGrowTheHeap() throws Exception {
        String user = TestData.userId();
        byte[] png = TestData.noisePng(400, 400, 42);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            String id = Ids.newId("img");
            TestData.imageEvent(Ids.newId("evt"), user, id, null, null, "big " + i, Instant.now(), png, 400, 400, true);
            ids.add(id);
        }
        await().atMost(java.time.Duration.ofSeconds(60)).until(() ->
                db.read(() -> ImageRef.count("userId", user)) == IMAGES);

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong(baseline);
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                System.gc();
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.start();
        long started = System.nanoTime();
        String downloadId = given().auth().oauth2(TestTokens.forUser(user)).contentType(ContentType.JSON)
                .body("{\"imageIds\":" + ids.stream().map(i -> "\"" + i + "\"").collect(Collectors.joining(",", "[", "]"))
                        + ",\"format\":\"png\",\"namingPattern\":\"{index}\"}")
                .post("/v1/images/download/bulk").then().statusCode(202).extract().jsonPath().getString("data.id");
        await().atMost(java.time.Duration.ofMinutes(3)).pollInterval(java.time.Duration.ofMillis(500)).until(() ->
                !"processing".equals(given().auth().oauth2(TestTokens.forUser(user)).get("/v1/downloads/" + downloadId)
                        .then().extract().jsonPath().getString("data.status")));
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        sampling.set(false);
        sampler.join();

        var status = given().auth().oauth2(TestTokens.forUser(user)).get("/v1/downloads/" + downloadId)
                .then().statusCode(200).extract().jsonPath();
        assertThat(status.getString("data.status")).isEqualTo("ready");
        long zipBytes = status.getLong("data.totalSize");
        long growth = peak.get() - baseline;
        String line = String.format("%s bundle of %d images: zip %d MB in %d s; live heap baseline %d MB, peak %d MB, growth %d MB",
                Instant.now(), IMAGES, zipBytes / MB, seconds, baseline / MB, peak.get() / MB, growth / MB);
        System.out.println(line);
        record(line);
        assertThat(zipBytes).isGreaterThan(60 * MB);
        // one image, one 5 MiB upload part (and the client's copy of it), the pipe buffer: tens of MB at most
        assertThat(growth).as(line).isLessThan(48 * MB).isLessThan(zipBytes / 2);
    }

    private static void record(String line) throws IOException {
        Path out = Path.of("target", "download-memory.txt");
        Files.writeString(out, line + System.lineSeparator(), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }
}
