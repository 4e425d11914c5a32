package dev.companion.download;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.api.ErrorResponse.Timestamps;
import dev.companion.common.id.Ids;
import dev.companion.download.model.ChatRef;
import dev.companion.download.model.ImageRef;
import dev.companion.download.model.ProjectRef;
import dev.companion.download.repository.BlockingDb;
import dev.companion.events.ChatCreated;
import dev.companion.events.ChatSnapshot;
import dev.companion.events.EventTypes;
import dev.companion.events.GeneratedImage;
import dev.companion.events.ImageComplete;
import dev.companion.events.ImageDeleted;
import dev.companion.events.ImageProgress;
import dev.companion.events.ProjectCreated;
import dev.companion.events.ProjectSettings;
import dev.companion.events.ProjectSnapshot;
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
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

/**
 * Contract: image-service's typed events (the events module's records, built as its ImageJobProcessor and
 * ImageLibraryService build them), serialised as its outbox does, are what {@code ReadModelConsumer} reads:
 * image.complete makes the images downloadable with every field the read model keeps, image.deleted takes
 * them away; image.progress passes without being recorded.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_download"))
class ImageEventsContractTest {

    @Inject
    ObjectMapper mapper;

    @Inject
    BlockingDb db;

    @Test
    void imageServiceEventsAsWrittenMoveTheReadModel() {
        String user = TestData.userId();
        String token = TestTokens.forUser(user);
        String projectId = Ids.newId("proj");
        String chatId = Ids.newId("chat");
        String now = Timestamps.now();
        // the names the file names use, as project-service and chat-service write them
        OutboxWire.publish(mapper, ProjectSnapshot.of(ProjectCreated.TYPE, projectId, user, "Atlas", null, List.of(), null,
                new ProjectSettings(true, true, false), false, now, now), user);
        OutboxWire.publish(mapper, ChatSnapshot.of(ChatCreated.TYPE, chatId, projectId, user, "Sketches", "gpt-4", false, false,
                0, now, now), user);
        await().atMost(Duration.ofSeconds(20)).until(() -> db.read(() -> ProjectRef.<ProjectRef>findById(projectId)) != null
                && db.read(() -> ChatRef.<ChatRef>findById(chatId)) != null);

        String generationId = Ids.newId("gen");
        String imageId = Ids.newId("img");
        byte[] png = TestData.png(24, 16, 7);
        String key = TestData.storageKey(user, generationId, imageId);
        TestData.upload(key, png);
        Instant created = Instant.parse("2025-07-08T09:10:11.123Z");
        ImageComplete complete = new ImageComplete(generationId, chatId, projectId, "a red fox", List.of(
                new GeneratedImage(imageId, "http://s3.invalid/" + key + "?X-Amz-Signature=a", "http://s3.invalid/thumb?X-Amz-Signature=b",
                        "24x16", "png", Timestamps.format(created), 24, 16, png.length, "sha256:abc", key)));
        assertThat(EventTypes.nullRequiredFields(complete)).as("the event keeps the contract").isEmpty();
        // progress shares the topic and the key, goes straight to Kafka, and is nothing to the read model
        String progress = OutboxWire.publish(mapper, new ImageProgress(generationId, 50, "processing"), user);
        OutboxWire.publish(mapper, complete, user);

        TestData.awaitImage(db, imageId);
        ImageRef ref = db.read(() -> ImageRef.<ImageRef>findById(imageId));
        assertThat(ref.userId).isEqualTo(user);
        assertThat(ref.generationId).isEqualTo(generationId);
        assertThat(ref.projectId).isEqualTo(projectId);
        assertThat(ref.chatId).isEqualTo(chatId);
        assertThat(ref.prompt).isEqualTo("a red fox");
        assertThat(ref.format).isEqualTo("png");
        assertThat(ref.width).isEqualTo(24);
        assertThat(ref.height).isEqualTo(16);
        assertThat(ref.bytes).isEqualTo((long) png.length);
        assertThat(ref.storageKey).isEqualTo(key);
        assertThat(ref.createdAt).isEqualTo(created);
        assertThat(OutboxWire.processed(db, "download-service.images", OutboxWire.eventId(mapper, progress))).isFalse();

        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"imageIds\":[\"" + imageId + "\"],\"createZip\":false,\"namingPattern\":\"{project}-{chat}-{index}\"}")
                .post("/v1/images/download/bulk").then().statusCode(200)
                .body("data.files[0].fileName", is("Atlas-Sketches-001.png"));

        OutboxWire.publish(mapper, new ImageDeleted(List.of(imageId), generationId, chatId, projectId), user);
        await().atMost(Duration.ofSeconds(20)).until(() -> db.read(() -> ImageRef.<ImageRef>findById(imageId)) == null);
    }
}
