package dev.companion.image;

import dev.companion.image.client.ImageStorage;
import dev.companion.image.service.AnalysisService;
import dev.companion.image.service.ImageWork;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import static dev.companion.image.ImageTestSupport.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The budgets of image-service (issue #15): an image whose header claims more than {@code max-decoded-bytes}
 * once decoded is refused before it is decoded, by upload and by stored imageId; decodes and analyses run on
 * a bounded pool (full → 503 + Retry-After, the queued request completes); the per-user generation cap is a
 * 429 with Retry-After and details, and other users are not affected.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_image"))
@QuarkusTestResource(FakeOpenAiResource.class)
class BudgetsTest {

    private static final long MAX_DECODED_BYTES = 64L * 1024 * 1024;
    private static final long MAX_PIXELS = 40_000_000;
    /** Clients that really run at once (the common pool has one thread on a 2-core machine). */
    private static final ExecutorService CLIENTS = Executors.newFixedThreadPool(4);

    @Inject
    AnalysisService analysis;

    @Inject
    ImageWork work;

    @Inject
    ImageStorage storage;

    private static Response analyzeUpload(String token, byte[] png) {
        return given().auth().oauth2(token).multiPart("image", "photo.png", png, "image/png").post("/v1/images/analyze");
    }

    private static Response analyzeStored(String token, String imageId) {
        return given().auth().oauth2(token).multiPart("imageId", imageId).post("/v1/images/analyze");
    }

    // ------------------------------------------------------------------ decoded bytes

    /** A PNG whose IHDR (valid CRC) claims {@code width × height} at {@code bitDepth} / {@code colorType}; a tiny IDAT. */
    static byte[] pngClaiming(int width, int height, int bitDepth, int colorType) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ihdr(width, height, bitDepth, colorType));
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[4096]);
        deflater.finish();
        byte[] idat = new byte[4096];
        int n = deflater.deflate(idat);
        deflater.end();
        chunk(out, "IDAT", java.util.Arrays.copyOf(idat, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /**
     * A complete, valid PNG of {@code size × size} 16-bit RGBA pixels, all zero: every row is really there
     * (deflated, streamed, never held whole), so a decoder would allocate size² × 8 bytes.
     */
    static byte[] blackPng16(int size) throws Exception {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] row = new byte[1 + size * 8]; // filter byte 0 + RGBA × 16 bits
        try (DeflaterOutputStream z = new DeflaterOutputStream(compressed, new Deflater(Deflater.BEST_COMPRESSION), 65536)) {
            for (int y = 0; y < size; y++) {
                z.write(row);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ihdr(size, size, 16, 6));
        chunk(out, "IDAT", compressed.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static byte[] ihdr(int width, int height, int bitDepth, int colorType) {
        return ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) bitDepth)
                .put((byte) colorType).put((byte) 0).put((byte) 0).put((byte) 0).array();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static void assertDecodeBudgetRefusal(Response r, String field, int width, int height, int bits) {
        assertThat(r.statusCode()).as(r.body().asString()).isEqualTo(400);
        assertThat(r.jsonPath().getBoolean("success")).isFalse();
        assertThat(r.jsonPath().getString("error.code")).isEqualTo("VALIDATION_ERROR");
        assertThat(r.jsonPath().getString("error.details.field")).isEqualTo(field);
        assertThat(r.jsonPath().getString("error.details.constraint")).isEqualTo("maxDecodedBytes");
        assertThat(r.jsonPath().getLong("error.details.value")).isEqualTo(MAX_DECODED_BYTES);
        assertThat(r.jsonPath().getInt("error.details.width")).isEqualTo(width);
        assertThat(r.jsonPath().getInt("error.details.height")).isEqualTo(height);
        assertThat(r.jsonPath().getInt("error.details.bitsPerPixel")).isEqualTo(bits);
        assertThat(r.jsonPath().getLong("error.details.decodedBytes")).isEqualTo((long) width * height * bits / 8);
    }

    @Test
    void anUploadWhoseHeaderClaimsMoreThanTheDecodeBudgetIsRefusedBeforeDecoding() throws Exception {
        String token = TestTokens.forUser(user());
        // 7000 × 5000 RGBA at 16 bits per sample: 35 MP (within the pixel limit), 280 MB decoded, 100-odd bytes sent
        byte[] claim = pngClaiming(7000, 5000, 16, 6);
        assertThat(claim.length).isLessThan(200);
        assertThat(7000L * 5000).isLessThan(MAX_PIXELS);
        // 6300 × 6300 RGB at 16 bits: 238 MB decoded
        byte[] rgb16 = pngClaiming(6300, 6300, 16, 2);
        // a real, complete 6300 × 6300 16-bit RGBA PNG of ~300 KB: it passes the megapixel check, not this one
        byte[] real = blackPng16(6300);
        assertThat(real.length).isBetween(100_000, 500_000);
        assertThat(6300L * 6300).isLessThan(MAX_PIXELS);

        long decodes = analysis.decodes();
        assertDecodeBudgetRefusal(analyzeUpload(token, claim), "image", 7000, 5000, 64);
        assertDecodeBudgetRefusal(analyzeUpload(token, rgb16), "image", 6300, 6300, 48);
        assertDecodeBudgetRefusal(analyzeUpload(token, real), "image", 6300, 6300, 64);
        assertThat(analysis.decodes()).as("no refused image was decoded").isEqualTo(decodes);

        // a 16-bit image within the budget is decoded and analysed: 1000 × 1000 × 8 = 8 MB
        Response fine = analyzeUpload(token, blackPng16(1000));
        assertThat(fine.statusCode()).as(fine.body().asString()).isEqualTo(200);
        assertThat(fine.jsonPath().getInt("data.analysis.structuredData.width")).isEqualTo(1000);
        assertThat(analysis.decodes()).isEqualTo(decodes + 1);
    }

    @Test
    void aStoredImageWhoseHeaderClaimsMoreThanTheDecodeBudgetIsRefusedByImageId() throws Exception {
        String owner = user();
        String token = TestTokens.forUser(owner);
        String gen = generate(token, "{\"prompt\":\"budget canvas\",\"options\":{\"size\":\"1024x1024\"}}").getString("data.id");
        String imageId = awaitStatus(token, gen, "completed", 60).getString("data.images[0].id");
        String key = queryString("SELECT storage_key FROM image WHERE id = ?", imageId);
        // analysed as it is stored
        analyzeStored(token, imageId).then().statusCode(200);

        // the stored object becomes a bomb (as a provider could have returned it): refused from its header
        storage.put(key, pngClaiming(6300, 6300, 16, 6), "image/png");
        long decodes = analysis.decodes();
        assertDecodeBudgetRefusal(analyzeStored(token, imageId), "imageId", 6300, 6300, 64);
        storage.put(key, blackPng16(6300), "image/png");
        assertDecodeBudgetRefusal(analyzeStored(token, imageId), "imageId", 6300, 6300, 64);
        assertThat(analysis.decodes()).as("no refused image was decoded").isEqualTo(decodes);
        // still owned: another user learns nothing about it
        analyzeStored(TestTokens.forUser(user()), imageId).then().statusCode(404);
    }

    // ------------------------------------------------------------------ bounded image work

    /** Occupies {@code count} places of the image work pool until {@code release} opens. */
    private void block(int count, CountDownLatch release) {
        List<Throwable> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < count; i++) {
            work.pool().submit(() -> {
                release.await();
                return null;
            }).subscribe().with(x -> { }, refused::add);
        }
        assertThat(refused).as("places of the pool taken by something else").isEmpty();
    }

    private static byte[] picture(int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(30, 160, 90));
        g.fillRect(0, 0, w, h);
        g.dispose();
        return AnalysisTest.encode(img, "png");
    }

    @Test
    void aFullImageWorkPoolIs503WithRetryAfterWhileTheQueuedAnalysisCompletes() throws Exception {
        String token = TestTokens.forUser(user());
        byte[] png = picture(120, 90);
        int concurrency = work.pool().concurrency();
        int queue = work.queueCapacity();
        assertThat(queue).isPositive();
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Response> waiting;
        // work of earlier tests (a job's thumbnail) is over before the pool is filled
        await("idle pool").atMost(Duration.ofSeconds(60)).until(() -> work.pool().active() == 0 && work.pool().queued() == 0);
        try {
            // every thread busy, every queue place but one taken
            block(concurrency + queue - 1, release);
            await("pool filled").atMost(Duration.ofSeconds(10)).until(() -> work.pool().active() == concurrency
                    && work.pool().queued() == queue - 1);
            // a real analysis takes the last place in the queue
            waiting = CompletableFuture.supplyAsync(() -> analyzeUpload(token, png), CLIENTS);
            await().atMost(Duration.ofSeconds(20)).until(() -> work.pool().queued() == queue);

            Response refused = analyzeUpload(token, png);
            assertThat(refused.statusCode()).as(refused.body().asString()).isEqualTo(503);
            assertThat(refused.jsonPath().getBoolean("success")).isFalse();
            assertThat(refused.jsonPath().getString("error.code")).isEqualTo("SERVICE_UNAVAILABLE");
            assertThat(refused.jsonPath().getString("error.details.resource")).isEqualTo("imageWork");
            assertThat(refused.jsonPath().getString("error.details.constraint")).isEqualTo("maxConcurrent");
            assertThat(refused.jsonPath().getInt("error.details.value")).isEqualTo(concurrency);
            assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 60);
            assertThat(waiting).isNotDone();
        } finally {
            release.countDown();
        }
        // the queued analysis was not dropped: it completes once the pool moves
        Response done = waiting.get(60, TimeUnit.SECONDS);
        assertThat(done.statusCode()).as(done.body().asString()).isEqualTo(200);
        assertThat(done.jsonPath().getInt("data.analysis.structuredData.width")).isEqualTo(120);
        assertThat(done.jsonPath().getInt("data.analysis.structuredData.height")).isEqualTo(90);
        // and the refused one works on retry
        await().atMost(Duration.ofSeconds(30)).until(() -> work.pool().active() == 0 && work.pool().queued() == 0);
        analyzeUpload(token, png).then().statusCode(200);
    }

    // ------------------------------------------------------------------ generations per user

    @Test
    void aFourthGenerationIs429WithRetryAfterAndDetailsAndOtherUsersAreUnaffected() throws Exception {
        String u = user();
        String token = TestTokens.forUser(u);
        List<String> mine = new ArrayList<>();
        List<String> cleanup = new ArrayList<>();
        try {
            // slow remote jobs (4 s each at the fake) keep the user's three places taken
            for (int i = 0; i < 3; i++) {
                String id = generate(token, "{\"prompt\":\"slow budget tower " + i + "\",\"options\":{\"model\":\"dall-e-3\"}}")
                        .getString("data.id");
                mine.add(id);
                cleanup.add(token + " " + id);
            }
            Response refused = given().auth().oauth2(token).contentType("application/json")
                    .body("{\"prompt\":\"one too many\"}").post("/v1/images/generate");
            assertThat(refused.statusCode()).as(refused.body().asString()).isEqualTo(429);
            assertThat(refused.jsonPath().getBoolean("success")).isFalse();
            assertThat(refused.jsonPath().getString("error.code")).isEqualTo("RATE_LIMIT");
            assertThat(refused.jsonPath().getString("error.details.constraint")).isEqualTo("maxConcurrentGenerations");
            assertThat(refused.jsonPath().getInt("error.details.value")).isEqualTo(3);
            assertThat(refused.jsonPath().getInt("error.details.active")).isEqualTo(3);
            assertThat(refused.header("Retry-After")).isEqualTo("5");
            assertThat(queryLong("SELECT count(*) FROM image_generation WHERE user_id = ?", u))
                    .as("the refused request stored nothing").isEqualTo(3);

            // another user is not affected
            String otherToken = TestTokens.forUser(user());
            String theirs = generate(otherToken, "{\"prompt\":\"someone else's budget\"}").getString("data.id");
            cleanup.add(otherToken + " " + theirs);
        } finally {
            for (String entry : cleanup) {
                String[] parts = entry.split(" ");
                given().auth().oauth2(parts[0]).delete("/v1/images/generate/" + parts[1]);
            }
        }
        // once the user's generations are over, there is room again
        String after = generate(token, "{\"prompt\":\"after the budget\"}").getString("data.id");
        awaitStatus(token, after, "completed", 60);
    }
}
