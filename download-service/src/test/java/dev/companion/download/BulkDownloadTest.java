package dev.companion.download;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.download.repository.BlockingDb;
import dev.companion.events.DownloadFailed;
import dev.companion.events.DownloadReady;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_download"))
class BulkDownloadTest {

    static String owner;
    static String stranger;
    static TestData.Seeded fox1;
    static TestData.Seeded fox2;
    static TestData.Seeded rose;
    static TestData.Seeded loose;
    static TestData.Seeded strangers;

    @Inject
    BlockingDb db;

    @Inject
    ObjectMapper mapper;

    @BeforeEach
    void seedOnce() {
        if (owner != null) {
            return;
        }
        String user = TestData.userId();
        TestData.project(db, user, "proj_space_" + user, "Space Art");
        TestData.project(db, user, "proj_garden_" + user, "Garden");
        TestData.chat(db, user, "chat_fox_" + user, "proj_space_" + user, "Fox Chat");
        TestData.chat(db, user, "chat_rose_" + user, "proj_garden_" + user, "Roses");
        fox1 = TestData.image(db, user, "proj_space_" + user, "chat_fox_" + user, "a red fox", Instant.parse("2025-01-19T10:00:00Z"), 64, 48);
        fox2 = TestData.image(db, user, "proj_space_" + user, "chat_fox_" + user, "a red fox", Instant.parse("2025-01-20T23:59:00Z"), 80, 60);
        rose = TestData.image(db, user, "proj_garden_" + user, "chat_rose_" + user, "../../etc/passwd", Instant.parse("2025-02-01T00:00:00Z"), 50, 50);
        loose = TestData.image(db, user, null, null, "plain", Instant.parse("2025-03-05T12:00:00Z"), 40, 30);
        stranger = TestData.userId();
        strangers = TestData.image(db, stranger, null, null, "not yours", Instant.now(), 20, 20);
        owner = user;
    }

    private Response bulk(String user, String body) {
        return given().auth().oauth2(TestTokens.forUser(user)).contentType(ContentType.JSON).body(body)
                .post("/v1/images/download/bulk");
    }

    private String ids(TestData.Seeded... images) {
        return java.util.Arrays.stream(images).map(i -> "\"" + i.id() + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    record Entry(byte[] bytes, int method) {
    }

    static Map<String, Entry> unzip(byte[] zip) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                entries.put(e.getName(), new Entry(in.readAllBytes(), e.getMethod()));
            }
        }
        return entries;
    }

    private Map<String, Entry> readyZip(Response r, int files) throws IOException {
        assertThat(r.statusCode()).as(r.body().asString()).isEqualTo(200);
        JsonPath json = r.jsonPath();
        assertThat(json.getString("data.status")).isEqualTo("ready");
        assertThat(json.getInt("data.fileCount")).isEqualTo(files);
        assertThat(json.getString("data.expiresAt")).endsWith("Z");
        HttpResponse<byte[]> zip = TestData.fetch(json.getString("data.downloadUrl"));
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(json.getLong("data.totalSize")).isEqualTo(zip.body().length);
        Map<String, Entry> entries = unzip(zip.body());
        assertThat(entries).hasSize(files);
        return entries;
    }

    @Test
    void flatZipWithTheSeedPatternHoldsTheOriginalBytesStored() throws IOException {
        Map<String, Entry> entries = readyZip(bulk(owner, "{\"imageIds\":" + ids(fox1, fox2, rose, loose)
                + ",\"format\":\"png\",\"createZip\":true,\"folderStructure\":\"flat\",\"namingPattern\":\"{project}-{date}-{index}\"}"), 4);
        assertThat(entries.keySet()).containsExactly("Space Art-2025-01-19-001.png", "Space Art-2025-01-20-002.png",
                "Garden-2025-02-01-003.png", "no-project-2025-03-05-004.png");
        assertThat(entries.get("Space Art-2025-01-19-001.png").bytes()).isEqualTo(fox1.png());
        assertThat(entries.get("Space Art-2025-01-20-002.png").bytes()).isEqualTo(fox2.png());
        assertThat(entries.get("Garden-2025-02-01-003.png").bytes()).isEqualTo(rose.png());
        assertThat(entries.get("no-project-2025-03-05-004.png").bytes()).isEqualTo(loose.png());
        assertThat(entries.values()).allMatch(e -> e.method() == ZipEntry.STORED);
    }

    @Test
    void groupedZipHasAFolderPerProjectAndChat() throws IOException {
        Map<String, Entry> entries = readyZip(bulk(owner, "{\"imageIds\":" + ids(fox1, rose, loose, fox2)
                + ",\"format\":\"jpg\",\"quality\":80,\"folderStructure\":\"grouped\",\"namingPattern\":\"{chat}-{id}\"}"), 4);
        assertThat(entries.keySet()).containsExactly("Space Art/Fox Chat/Fox Chat-" + fox1.id() + ".jpg",
                "Garden/Roses/Roses-" + rose.id() + ".jpg", "no-project/no-chat/no-chat-" + loose.id() + ".jpg",
                "Space Art/Fox Chat/Fox Chat-" + fox2.id() + ".jpg");
        for (TestData.Seeded s : List.of(fox1, fox2, rose, loose)) {
            Entry e = entries.entrySet().stream().filter(x -> x.getKey().contains(s.id())).findFirst().orElseThrow().getValue();
            assertThat(e.bytes()[0] & 0xff).isEqualTo(0xFF);
            assertThat(e.bytes()[1] & 0xff).isEqualTo(0xD8);
            BufferedImage img = TestData.decode(e.bytes());
            assertThat(img.getWidth()).isEqualTo(s.width());
            assertThat(img.getHeight()).isEqualTo(s.height());
        }
    }

    @Test
    void datedZipUsesYearMonthDayFoldersAndResizes() throws IOException {
        Map<String, Entry> entries = readyZip(bulk(owner, "{\"imageIds\":" + ids(fox1, fox2, rose, loose)
                + ",\"format\":\"webp\",\"quality\":70,\"width\":32,\"folderStructure\":\"dated\",\"namingPattern\":\"{prompt}\"}"), 4);
        assertThat(entries.keySet()).containsExactly("2025/01/19/a red fox.webp", "2025/01/20/a red fox.webp",
                "2025/02/01/_.._etc_passwd.webp", "2025/03/05/plain.webp");
        BufferedImage img = TestData.decode(entries.get("2025/01/19/a red fox.webp").bytes());
        assertThat(img.getWidth()).isEqualTo(32);
        assertThat(img.getHeight()).isEqualTo(24);
        assertThat(new String(entries.get("2025/03/05/plain.webp").bytes(), 8, 4)).isEqualTo("WEBP");
    }

    @Test
    void anImageDeletedInImageServiceBeforeItsEventArrivedIs404NotA500() throws Exception {
        // the read model still lists the image, its object is already gone (image-service deletes rows, then objects)
        TestData.Seeded gone = TestData.image(db, owner, null, null, "deleted a moment ago", java.time.Instant.now(), 40, 30);
        TestData.minio().removeObject(io.minio.RemoveObjectArgs.builder().bucket("companion-images")
                .object(TestData.storageKey(owner, "gen_" + gone.id(), gone.id())).build());
        Response bundle = bulk(owner, "{\"imageIds\":" + ids(rose, gone) + "}");
        assertThat(bundle.statusCode()).as(bundle.body().asString()).isEqualTo(404);
        assertThat(bundle.jsonPath().getString("error.code")).isEqualTo("NOT_FOUND");
        assertThat(bundle.jsonPath().getString("error.details.id")).isEqualTo(gone.id());
        Response single = given().auth().oauth2(TestTokens.forUser(owner)).contentType(ContentType.JSON).body("{}")
                .post("/v1/images/" + gone.id() + "/download");
        assertThat(single.statusCode()).as(single.body().asString()).isEqualTo(404);
        assertThat(single.jsonPath().getString("error.code")).isEqualTo("NOT_FOUND");
    }

    @Test
    void collidingNamesGetNumberedSuffixes() throws IOException {
        Map<String, Entry> entries = readyZip(bulk(owner, "{\"imageIds\":" + ids(fox1, fox2, rose, loose)
                + ",\"namingPattern\":\"{project}\"}"), 4);
        assertThat(entries.keySet()).containsExactly("Space Art.png", "Space Art-2.png", "Garden.png", "no-project.png");
        assertThat(entries.get("Space Art-2.png").bytes()).isEqualTo(fox2.png());
    }

    @Test
    void traversalInThePatternGivesSafeNames() throws IOException {
        for (String pattern : List.of("../../{id}", "/etc/{index}", "..\\\\..\\\\win", "a\\u0000b{index}", "C:/x/{id}", "{prompt}")) {
            Map<String, Entry> entries = readyZip(bulk(owner, "{\"imageIds\":" + ids(rose, loose)
                    + ",\"namingPattern\":\"" + pattern + "\"}"), 2);
            for (String name : entries.keySet()) {
                assertThat(name).as(pattern).doesNotStartWith("/").doesNotStartWith(".").doesNotContain("\\", "\u0000", "../", ":")
                        .doesNotContain("/").endsWith(".png");
            }
        }
        Map<String, Entry> traversal = readyZip(bulk(owner, "{\"imageIds\":" + ids(rose)
                + ",\"namingPattern\":\"../../{id}\"}"), 1);
        assertThat(traversal.keySet()).containsExactly("_.._" + rose.id() + ".png");
    }

    @Test
    void withoutZipEachImageGetsItsOwnLink() {
        Response r = bulk(owner, "{\"imageIds\":" + ids(fox1, rose)
                + ",\"createZip\":false,\"folderStructure\":\"grouped\",\"namingPattern\":\"{id}\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonPath json = r.jsonPath();
        assertThat(json.getString("data.status")).isEqualTo("ready");
        assertThat(json.getString("data.downloadUrl")).isNull();
        assertThat(json.getInt("data.fileCount")).isEqualTo(2);
        assertThat(json.getLong("data.totalSize")).isEqualTo(fox1.png().length + rose.png().length);
        assertThat(json.getList("data.files.fileName", String.class))
                .containsExactly("Space Art/Fox Chat/" + fox1.id() + ".png", "Garden/Roses/" + rose.id() + ".png");
        HttpResponse<byte[]> first = TestData.fetch(json.getString("data.files[0].downloadUrl"));
        HttpResponse<byte[]> second = TestData.fetch(json.getString("data.files[1].downloadUrl"));
        assertThat(first.body()).isEqualTo(fox1.png());
        assertThat(second.body()).isEqualTo(rose.png());

        given().auth().oauth2(TestTokens.forUser(owner)).get("/v1/downloads/" + json.getString("data.id"))
                .then().statusCode(200).body("data.status", is("ready")).body("data.files.size()", is(2));
    }

    @Test
    void aForeignImageAnywhereIsNotFoundAndNothingIsProduced() {
        String ownersDownload = bulk(owner, "{\"imageIds\":" + ids(loose) + "}").jsonPath().getString("data.id");
        int historyBefore = given().auth().oauth2(TestTokens.forUser(owner)).get("/v1/downloads/history")
                .then().extract().jsonPath().getInt("data.pagination.total");
        List<String> objectsBefore = TestData.downloadObjects("");
        for (String list : List.of(ids(strangers, fox1), ids(fox1, strangers, rose), ids(fox1, rose, strangers))) {
            bulk(owner, "{\"imageIds\":" + list + "}").then().statusCode(404)
                    .body("error.code", is("NOT_FOUND")).body("error.details.id", is(strangers.id()));
        }
        bulk(owner, "{\"imageIds\":[\"" + fox1.id() + "\",\"img_missing\"]}").then().statusCode(404);
        assertThat(TestData.downloadObjects("")).containsExactlyInAnyOrderElementsOf(objectsBefore);
        given().auth().oauth2(TestTokens.forUser(owner)).get("/v1/downloads/history")
                .then().body("data.pagination.total", is(historyBefore));
        // the stranger cannot read the owner's download either
        given().auth().oauth2(TestTokens.forUser(owner)).get("/v1/downloads/" + ownersDownload).then().statusCode(200);
        given().auth().oauth2(TestTokens.forUser(stranger)).get("/v1/downloads/" + ownersDownload)
                .then().statusCode(404).body("error.code", is("NOT_FOUND"));
    }

    @Test
    void invalidBulkRequestsAreFieldLevelErrors() {
        bulk(owner, "{\"imageIds\":[]}").then().statusCode(400).body("error.code", is("VALIDATION_ERROR"))
                .body("error.details.field", is("imageIds")).body("error.details.constraint", is("minItems"));
        String many = IntStream.range(0, 501).mapToObj(i -> "\"img_" + i + "\"").collect(Collectors.joining(",", "[", "]"));
        bulk(owner, "{\"imageIds\":" + many + "}").then().statusCode(400)
                .body("error.details.field", is("imageIds")).body("error.details.constraint", is("maxItems"))
                .body("error.details.value", is(500));
        bulk(owner, "{\"imageIds\":" + ids(fox1) + ",\"folderStructure\":\"tree\"}").then().statusCode(400)
                .body("error.details.field", is("folderStructure"));
        bulk(owner, "{\"imageIds\":" + ids(fox1) + ",\"format\":\"gif\"}").then().statusCode(400)
                .body("error.details.field", is("format"));
        bulk(owner, "{\"imageIds\":" + ids(fox1) + ",\"quality\":101}").then().statusCode(400)
                .body("error.details.field", is("quality")).body("error.details.constraint", is("max"));
        bulk(owner, "{\"imageIds\":" + ids(fox1) + ",\"namingPattern\":\"{project}-{secret}\"}").then().statusCode(400)
                .body("error.details.field", is("namingPattern")).body("error.details.constraint", is("pattern"));
        bulk(owner, "{\"imageIds\":" + ids(fox1) + ",\"unknown\":1}").then().statusCode(400)
                .body("error.details.constraint", is("unknownField"));
    }

    @Test
    void aLargeBundleFinishesInTheBackgroundAndAnnouncesItself() throws IOException {
        String user = TestData.userId();
        List<TestData.Seeded> many = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            many.add(TestData.image(db, user, null, null, "batch " + i, Instant.parse("2025-04-0" + (i + 1) + "T08:00:00Z"), 30 + i, 20));
        }
        try (KafkaConsumer<String, String> consumer = TestData.downloadEventsConsumer()) {
            consumer.poll(Duration.ofMillis(500));
            Response r = bulk(user, "{\"imageIds\":" + ids(many.toArray(TestData.Seeded[]::new))
                    + ",\"format\":\"png\",\"namingPattern\":\"{prompt}\"}");
            assertThat(r.statusCode()).as(r.body().asString()).isEqualTo(202);
            String id = r.jsonPath().getString("data.id");
            assertThat(r.jsonPath().getString("data.status")).isEqualTo("processing");
            assertThat(r.header("Location")).endsWith("/v1/downloads/" + id);

            ConsumerRecord<String, String> ready = TestData.find(consumer, id, Duration.ofSeconds(60));
            assertThat(ready.key()).isEqualTo(user);
            JsonPath event = new JsonPath(ready.value());
            assertThat(event.getString("type")).isEqualTo("download.ready");
            assertThat(event.getString("userId")).isEqualTo(user);
            assertThat(event.getString("data.downloadId")).isEqualTo(id);
            assertThat(event.getInt("data.fileCount")).isEqualTo(7);
            assertThat(event.getString("data.format")).isEqualTo("png");
            DownloadReady typed = OutboxWire.decode(mapper, ready.value(), DownloadReady.class);
            assertThat(typed.downloadType()).isEqualTo("bulk");
            assertThat(typed.downloadUrl()).isNotNull();
            assertThat(typed.files()).isNull();

            JsonPath status = given().auth().oauth2(TestTokens.forUser(user)).get("/v1/downloads/" + id)
                    .then().statusCode(200).extract().jsonPath();
            assertThat(status.getString("data.status")).isEqualTo("ready");
            byte[] zip = TestData.fetch(event.getString("data.downloadUrl")).body();
            assertThat(event.getLong("data.totalSize")).isEqualTo(zip.length);
            Map<String, Entry> entries = unzip(zip);
            assertThat(entries.keySet()).containsExactlyElementsOf(
                    IntStream.range(0, 7).mapToObj(i -> "batch " + i + ".png").toList());
            assertThat(entries.get("batch 3.png").bytes()).isEqualTo(many.get(3).png());
        }
    }

    @Test
    void aBackgroundBundleThatCannotBeBuiltFailsWithoutLeavingAPartialZip() {
        String user = TestData.userId();
        List<TestData.Seeded> many = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            many.add(TestData.image(db, user, null, null, "ok " + i, Instant.now(), 20, 20));
        }
        // image-service announced it, but its original is not in the bucket (never arrived, or deleted since):
        // the image cannot be had, so the bundle fails NOT_FOUND naming it
        String broken = dev.companion.common.id.Ids.newId("img");
        TestData.imageEvent(dev.companion.common.id.Ids.newId("evt"), user, broken, null, null, "lost", Instant.now(),
                TestData.png(20, 20, 3), 20, 20, false);
        TestData.awaitImage(db, broken);
        try (KafkaConsumer<String, String> consumer = TestData.downloadEventsConsumer()) {
            consumer.poll(Duration.ofMillis(500));
            Response r = bulk(user, "{\"imageIds\":" + ids(many.toArray(TestData.Seeded[]::new)).replace("]", ",\"" + broken + "\"]") + "}");
            assertThat(r.statusCode()).as(r.body().asString()).isEqualTo(202);
            String id = r.jsonPath().getString("data.id");
            ConsumerRecord<String, String> failed = TestData.find(consumer, id, Duration.ofSeconds(60));
            assertThat(failed.key()).isEqualTo(user);
            JsonPath event = new JsonPath(failed.value());
            assertThat(event.getString("type")).isEqualTo("download.failed");
            assertThat(OutboxWire.decode(mapper, failed.value(), DownloadFailed.class).error().code()).isEqualTo("NOT_FOUND");
            assertThat(event.getString("data.downloadId")).isEqualTo(id);
            assertThat(event.getString("data.error.code")).isEqualTo("NOT_FOUND");
            assertThat(event.getString("data.error.message")).contains("image");
            given().auth().oauth2(TestTokens.forUser(user)).get("/v1/downloads/" + id).then().statusCode(200)
                    .body("data.status", is("failed")).body("data.error.code", is("NOT_FOUND"))
                    .body("data.downloadUrl", org.hamcrest.Matchers.nullValue());
            assertThat(TestData.downloadObjects("bulk/" + id + "/")).isEmpty();
        }
    }
}
