package dev.companion.download;

import dev.companion.common.id.Ids;
import dev.companion.download.repository.BlockingDb;
import dev.companion.download.service.ConversionWork;
import dev.companion.download.service.ImageConverter;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The budgets of download-service (issue #15): no upscaling unless asked and then at most
 * {@code max-output-pixels}; a source whose header claims more than {@code max-decoded-bytes} is refused
 * before it is decoded; conversions on a bounded pool (full → 503 + Retry-After, running work completes);
 * at most {@code max-queued-bundles-per-user} background bundles per user (→ 429 + Retry-After).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_download"))
class BudgetsTest {

    private static final long MAX_OUTPUT_PIXELS = 4096L * 4096;
    private static final long MAX_DECODED_BYTES = 64L * 1024 * 1024;
    /** Clients that really run at once (the common pool has one thread on a 2-core machine). */
    private static final java.util.concurrent.ExecutorService CLIENTS = java.util.concurrent.Executors.newFixedThreadPool(8);

    @Inject
    BlockingDb db;

    @Inject
    ConversionWork conversions;

    @Inject
    ImageConverter converter;

    private static Response single(String user, String imageId, String body) {
        return given().auth().oauth2(TestTokens.forUser(user)).contentType(ContentType.JSON).body(body)
                .post("/v1/images/" + imageId + "/download");
    }

    private static Response bulk(String user, String body) {
        return given().auth().oauth2(TestTokens.forUser(user)).contentType(ContentType.JSON).body(body)
                .post("/v1/images/download/bulk");
    }

    private static BufferedImage served(Response r) {
        assertThat(r.statusCode()).as(r.body().asString()).isEqualTo(200);
        return TestData.decode(TestData.fetch(r.jsonPath().getString("data.downloadUrl")).body());
    }

    private static int historyTotal(String user) {
        return given().auth().oauth2(TestTokens.forUser(user)).get("/v1/downloads/history")
                .then().statusCode(200).extract().jsonPath().getInt("data.pagination.total");
    }

    private static String ids(List<String> ids) {
        return ids.stream().map(i -> "\"" + i + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    // ------------------------------------------------------------ upscaling

    @Test
    void boundsLargerThanTheOriginalServeTheOriginalSizeUnlessUpscaleIsAsked() {
        String user = TestData.userId();
        TestData.Seeded image = TestData.image(db, user, null, null, "small", Instant.now(), 320, 200);

        // one bound past the original: the original itself (PNG → PNG at its size passes through)
        Response r = single(user, image.id(), "{\"format\":\"png\",\"width\":4096}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestData.fetch(r.jsonPath().getString("data.downloadUrl")).body()).isEqualTo(image.png());
        BufferedImage img = served(single(user, image.id(), "{\"format\":\"jpg\",\"height\":1000}"));
        assertThat(img.getWidth()).isEqualTo(320);
        assertThat(img.getHeight()).isEqualTo(200);
        // two bounds: each clamped to the original's dimension, the smaller one still honoured
        img = served(single(user, image.id(), "{\"format\":\"jpg\",\"width\":4096,\"height\":4096}"));
        assertThat(img.getWidth()).isEqualTo(320);
        assertThat(img.getHeight()).isEqualTo(200);
        img = served(single(user, image.id(), "{\"format\":\"webp\",\"width\":640,\"height\":100}"));
        assertThat(img.getWidth()).isEqualTo(320);
        assertThat(img.getHeight()).isEqualTo(100);
        // "upscale": false is the default, said out loud
        img = served(single(user, image.id(), "{\"format\":\"png\",\"width\":640,\"upscale\":false}"));
        assertThat(img.getWidth()).isEqualTo(320);

        // asked for: upscaled
        img = served(single(user, image.id(), "{\"format\":\"png\",\"width\":640,\"upscale\":true}"));
        assertThat(img.getWidth()).isEqualTo(640);
        assertThat(img.getHeight()).isEqualTo(400);

        // bulk follows the same rule
        Response b = bulk(user, "{\"imageIds\":[\"" + image.id() + "\"],\"createZip\":false,\"width\":1000}");
        assertThat(b.statusCode()).as(b.body().asString()).isEqualTo(200);
        assertThat(TestData.fetch(b.jsonPath().getString("data.files[0].downloadUrl")).body()).isEqualTo(image.png());
    }

    @Test
    void anExplicitUpscaleIsCappedByMaxOutputPixels() {
        String user = TestData.userId();
        TestData.Seeded tall = TestData.image(db, user, null, null, "tall", Instant.now(), 100, 400);
        TestData.Seeded wide = TestData.image(db, user, null, null, "wide", Instant.now(), 400, 100);
        int before = historyTotal(user);

        // width 4096 on 100×400 → 4096×16384 = 67 MP
        single(user, tall.id(), "{\"format\":\"png\",\"width\":4096,\"upscale\":true}").then().statusCode(400)
                .body("success", org.hamcrest.Matchers.is(false))
                .body("error.code", org.hamcrest.Matchers.is("VALIDATION_ERROR"))
                .body("error.details.field", org.hamcrest.Matchers.is("width"))
                .body("error.details.constraint", org.hamcrest.Matchers.is("maxOutputPixels"))
                .body("error.details.value", org.hamcrest.Matchers.is((int) MAX_OUTPUT_PIXELS))
                .body("error.details.outputWidth", org.hamcrest.Matchers.is(4096))
                .body("error.details.outputHeight", org.hamcrest.Matchers.is(16384));
        // height 4096 on 400×100 → 16384×4096
        single(user, wide.id(), "{\"format\":\"jpg\",\"height\":4096,\"upscale\":true}").then().statusCode(400)
                .body("error.details.field", org.hamcrest.Matchers.is("height"))
                .body("error.details.constraint", org.hamcrest.Matchers.is("maxOutputPixels"));
        // in a bundle the same refusal, and nothing is kept
        bulk(user, "{\"imageIds\":[\"" + wide.id() + "\",\"" + tall.id() + "\"],\"width\":4096,\"upscale\":true}")
                .then().statusCode(400).body("error.details.field", org.hamcrest.Matchers.is("width"))
                .body("error.details.imageId", org.hamcrest.Matchers.is(tall.id()));
        assertThat(historyTotal(user)).isEqualTo(before);

        // within the cap an upscale is served
        BufferedImage img = served(single(user, tall.id(), "{\"format\":\"png\",\"height\":1600,\"upscale\":true}"));
        assertThat(img.getWidth()).isEqualTo(400);
        assertThat(img.getHeight()).isEqualTo(1600);
    }

    // ------------------------------------------------------- decoded bytes

    /** A real PNG whose IHDR (valid CRC) claims {@code width × height} at {@code bitDepth} / {@code colorType}. */
    static byte[] pngClaiming(int width, int height, int bitDepth, int colorType) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) bitDepth)
                .put((byte) colorType).put((byte) 0).put((byte) 0).put((byte) 0).array());
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

    @Test
    void aSourceWhoseHeaderClaimsMoreThanTheDecodeBudgetIsRefusedBeforeDecoding() {
        String user = TestData.userId();
        // 30000 × 30000 RGBA at 16 bits per sample: 7.2 GB once decoded, 100-odd bytes in S3
        byte[] bomb = pngClaiming(30000, 30000, 16, 6);
        assertThat(bomb.length).isLessThan(200);
        String bombId = Ids.newId("img");
        TestData.imageEvent(Ids.newId("evt"), user, bombId, null, null, "bomb", Instant.now(), bomb, 30000, 30000, true);
        TestData.awaitImage(db, bombId);
        TestData.Seeded fine = TestData.image(db, user, null, null, "fine", Instant.now(), 40, 30);
        int history = historyTotal(user);
        List<String> objects = TestData.downloadObjects("");

        long decodes = converter.decodes();
        for (String body : List.of("{\"format\":\"jpg\"}", "{\"format\":\"png\"}", "{\"format\":\"webp\",\"width\":100}")) {
            single(user, bombId, body).then().statusCode(400)
                    .body("error.code", org.hamcrest.Matchers.is("VALIDATION_ERROR"))
                    .body("error.details.field", org.hamcrest.Matchers.is("imageId"))
                    .body("error.details.constraint", org.hamcrest.Matchers.is("maxDecodedBytes"))
                    .body("error.details.value", org.hamcrest.Matchers.is((int) MAX_DECODED_BYTES))
                    .body("error.details.imageId", org.hamcrest.Matchers.is(bombId))
                    .body("error.details.width", org.hamcrest.Matchers.is(30000))
                    .body("error.details.height", org.hamcrest.Matchers.is(30000))
                    .body("error.details.bitsPerPixel", org.hamcrest.Matchers.is(64))
                    .body("error.details.decodedBytes", org.hamcrest.Matchers.is(30000L * 30000 * 8));
        }
        // a bundle made in the request: the same error, naming the image's place; nothing kept
        bulk(user, "{\"imageIds\":" + ids(List.of(fine.id(), bombId)) + ",\"format\":\"jpg\"}").then().statusCode(400)
                .body("error.details.field", org.hamcrest.Matchers.is("imageIds[1]"))
                .body("error.details.constraint", org.hamcrest.Matchers.is("maxDecodedBytes"));
        assertThat(converter.decodes()).as("the refused source was never decoded").isEqualTo(decodes + 1);
        assertThat(historyTotal(user)).isEqualTo(history);
        assertThat(TestData.downloadObjects("")).containsExactlyInAnyOrderElementsOf(objects);

        // a background bundle with it fails with the same code
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            many.add(TestData.image(db, user, null, null, "ok " + i, Instant.now(), 20, 20).id());
        }
        many.add(bombId);
        Response r = bulk(user, "{\"imageIds\":" + ids(many) + "}");
        assertThat(r.statusCode()).as(r.body().asString()).isEqualTo(202);
        String id = r.jsonPath().getString("data.id");
        await().atMost(Duration.ofSeconds(60)).until(() -> !"processing".equals(status(user, id).jsonPath().getString("data.status")));
        Response failed = status(user, id);
        assertThat(failed.jsonPath().getString("data.status")).isEqualTo("failed");
        assertThat(failed.jsonPath().getString("data.error.code")).isEqualTo("VALIDATION_ERROR");
        assertThat(failed.jsonPath().getString("data.error.message")).contains(bombId).contains("30000×30000");
        assertThat(TestData.downloadObjects("bulk/" + id + "/")).isEmpty();
    }

    private static Response status(String user, String id) {
        return given().auth().oauth2(TestTokens.forUser(user)).get("/v1/downloads/" + id);
    }

    // ------------------------------------------------------ conversion pool

    /** Occupies {@code count} places of the conversion pool until {@code release} opens. */
    private void block(int count, CountDownLatch release) {
        for (int i = 0; i < count; i++) {
            conversions.pool().submit(() -> {
                release.await();
                return null;
            }).subscribe().with(x -> { }, e -> { });
        }
    }

    @Test
    void aFullConversionPoolIs503WithRetryAfterWhileTheWorkInItCompletes() throws Exception {
        String user = TestData.userId();
        TestData.Seeded image = TestData.image(db, user, null, null, "queued", Instant.now(), 120, 90);
        int concurrency = conversions.pool().concurrency();
        int queue = conversions.queueCapacity();
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Response> waiting;
        // work of earlier tests (a background bundle waiting out a full pool) must be gone first
        await().atMost(Duration.ofSeconds(60)).until(() -> conversions.pool().active() == 0 && conversions.pool().queued() == 0);
        try {
            // every thread busy, every queue place but one taken
            block(concurrency + queue - 1, release);
            await().atMost(Duration.ofSeconds(30)).until(() -> conversions.pool().active() == concurrency
                    && conversions.pool().queued() == queue - 1);
            // a real download takes the last place in the queue
            waiting = CompletableFuture.supplyAsync(() -> single(user, image.id(), "{\"format\":\"jpg\",\"width\":60}"), CLIENTS);
            await().atMost(Duration.ofSeconds(20)).until(() -> conversions.pool().queued() == queue);

            Response refused = single(user, image.id(), "{\"format\":\"webp\"}");
            assertThat(refused.statusCode()).as(refused.body().asString()).isEqualTo(503);
            assertThat(refused.jsonPath().getString("error.code")).isEqualTo("SERVICE_UNAVAILABLE");
            assertThat(refused.jsonPath().getString("error.details.resource")).isEqualTo("conversion");
            assertThat(refused.jsonPath().getInt("error.details.value")).isEqualTo(concurrency);
            assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 60);
            assertThat(waiting).isNotDone();
        } finally {
            release.countDown();
        }
        // the queued download was not dropped: it completes once the pool moves
        BufferedImage img = served(waiting.get(60, java.util.concurrent.TimeUnit.SECONDS));
        assertThat(img.getWidth()).isEqualTo(60);
        assertThat(img.getHeight()).isEqualTo(45);
        // and the refused one works on retry
        await().atMost(Duration.ofSeconds(30)).until(() -> conversions.pool().active() == 0 && conversions.pool().queued() == 0);
        assertThat(single(user, image.id(), "{\"format\":\"webp\"}").statusCode()).isEqualTo(200);
    }

    // ------------------------------------------------- bundles per user

    @Test
    void aFourthQueuedBundleIs429WithRetryAfterAndOtherUsersAreUnaffected() throws Exception {
        String user = TestData.userId();
        String other = TestData.userId();
        String racer = TestData.userId();
        List<String> mine = seedSix(user);
        List<String> others = seedSix(other);
        List<String> racers = seedSix(racer);
        String body = "{\"imageIds\":" + ids(mine) + "}";
        java.util.Map<String, String> accepted = new java.util.LinkedHashMap<>();
        CountDownLatch release = new CountDownLatch(1);
        try {
            // the pool is full, so background bundles stay processing (they wait for it, they do not fail)
            block(conversions.pool().concurrency() + conversions.queueCapacity(), release);
            for (int i = 0; i < 3; i++) {
                Response r = bulk(user, body);
                assertThat(r.statusCode()).as(r.body().asString()).isEqualTo(202);
                accepted.put(r.jsonPath().getString("data.id"), user);
            }
            int history = historyTotal(user);
            Response refused = bulk(user, body);
            assertThat(refused.statusCode()).as(refused.body().asString()).isEqualTo(429);
            assertThat(refused.jsonPath().getString("error.code")).isEqualTo("RATE_LIMIT");
            assertThat(refused.jsonPath().getString("error.details.constraint")).isEqualTo("maxQueuedBundles");
            assertThat(refused.jsonPath().getInt("error.details.value")).isEqualTo(3);
            assertThat(refused.jsonPath().getInt("error.details.active")).isEqualTo(3);
            assertThat(Integer.parseInt(refused.header("Retry-After"))).isEqualTo(10);
            assertThat(historyTotal(user)).as("the refused bundle left no row").isEqualTo(history);
            // a small bundle is made in the request, not queued: it meets the full pool (503), not this budget
            assertThat(bulk(user, "{\"imageIds\":" + ids(mine.subList(0, 1)) + "}").statusCode()).isEqualTo(503);

            // another user is not affected
            Response theirs = bulk(other, "{\"imageIds\":" + ids(others) + "}");
            assertThat(theirs.statusCode()).as(theirs.body().asString()).isEqualTo(202);
            accepted.put(theirs.jsonPath().getString("data.id"), other);

            // six at once from one user: exactly three are queued (advisory lock around count and insert)
            String racing = "{\"imageIds\":" + ids(racers) + "}";
            List<CompletableFuture<Response>> race = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                race.add(CompletableFuture.supplyAsync(() -> bulk(racer, racing), CLIENTS));
            }
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger tooMany = new AtomicInteger();
            for (CompletableFuture<Response> f : race) {
                Response r = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                if (r.statusCode() == 202) {
                    ok.incrementAndGet();
                    accepted.put(r.jsonPath().getString("data.id"), racer);
                } else {
                    assertThat(r.statusCode()).as(r.body().asString()).isEqualTo(429);
                    tooMany.incrementAndGet();
                }
            }
            assertThat(ok.get()).isEqualTo(3);
            assertThat(tooMany.get()).isEqualTo(3);
        } finally {
            release.countDown();
        }
        // once the pool moves, every accepted bundle is made
        assertThat(accepted).hasSize(7);
        for (java.util.Map.Entry<String, String> e : accepted.entrySet()) {
            String id = e.getKey();
            String owner = e.getValue();
            await().atMost(Duration.ofSeconds(120)).until(() -> "ready".equals(status(owner, id).jsonPath().getString("data.status")));
        }
        // and the user may queue again
        Response again = bulk(user, body);
        assertThat(again.statusCode()).as(again.body().asString()).isEqualTo(202);
        String id = again.jsonPath().getString("data.id");
        await().atMost(Duration.ofSeconds(60)).until(() -> "ready".equals(status(user, id).jsonPath().getString("data.status")));
    }

    private List<String> seedSix(String user) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(TestData.image(db, user, null, null, "bundle " + i, Instant.now(), 24, 16).id());
        }
        return ids;
    }
}
