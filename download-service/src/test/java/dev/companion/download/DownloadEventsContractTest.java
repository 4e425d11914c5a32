package dev.companion.download;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.download.repository.BlockingDb;
import dev.companion.events.DownloadFile;
import dev.companion.events.DownloadReady;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Contract of what this service writes on download.events (read by the gateway, which hands
 * {@code {"type": type, …data}} to the user's sockets): a background bundle without a zip announces its
 * files with the field names of the seed and the record, keyed by the user, decodable as DownloadReady.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_download"))
class DownloadEventsContractTest {

    @Inject
    ObjectMapper mapper;

    @Inject
    BlockingDb db;

    @Test
    void aBackgroundBundleWithoutAZipAnnouncesItsFiles() throws Exception {
        String user = TestData.userId();
        List<TestData.Seeded> many = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            many.add(TestData.image(db, user, null, null, "file " + i, Instant.parse("2025-06-0" + (i + 1) + "T08:00:00Z"), 20 + i, 20));
        }
        String ids = many.stream().map(s -> "\"" + s.id() + "\"").collect(Collectors.joining(",", "[", "]"));
        try (KafkaConsumer<String, String> consumer = TestData.downloadEventsConsumer()) {
            consumer.poll(Duration.ofMillis(500));
            Response r = given().auth().oauth2(TestTokens.forUser(user)).contentType(ContentType.JSON)
                    .body("{\"imageIds\":" + ids + ",\"createZip\":false,\"namingPattern\":\"{prompt}\"}")
                    .post("/v1/images/download/bulk");
            assertThat(r.statusCode()).as(r.body().asString()).isEqualTo(202);
            String id = r.jsonPath().getString("data.id");

            ConsumerRecord<String, String> ready = TestData.find(consumer, id, Duration.ofSeconds(60));
            assertThat(ready.key()).isEqualTo(user);
            assertThat(new String(ready.headers().lastHeader("ce_type").value())).isEqualTo(DownloadReady.TYPE);
            JsonNode data = mapper.readTree(ready.value()).path("data");
            assertThat(names(data)).containsExactlyInAnyOrder("downloadId", "type", "downloadUrl", "expiresAt", "fileCount",
                    "totalSize", "format", "files");
            assertThat(data.path("type").asText()).isEqualTo("bulk");
            assertThat(data.path("downloadUrl").isNull()).isTrue();
            assertThat(names(data.path("files").get(0))).containsExactlyInAnyOrder("imageId", "fileName", "downloadUrl", "size");

            DownloadReady typed = OutboxWire.decode(mapper, ready.value(), DownloadReady.class);
            assertThat(typed.downloadId()).isEqualTo(id);
            assertThat(typed.fileCount()).isEqualTo(6);
            assertThat(typed.format()).isEqualTo("png");
            assertThat(typed.files()).extracting(DownloadFile::imageId).containsExactlyElementsOf(many.stream().map(TestData.Seeded::id).toList());
            assertThat(typed.files()).extracting(DownloadFile::fileName).containsExactly(
                    "file 0.png", "file 1.png", "file 2.png", "file 3.png", "file 4.png", "file 5.png");
            assertThat(typed.totalSize()).isEqualTo(typed.files().stream().mapToLong(DownloadFile::size).sum());
            assertThat(TestData.fetch(typed.files().get(2).downloadUrl()).body()).isEqualTo(many.get(2).png());
        }
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }
}
