package dev.companion.download;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.api.ErrorResponse.Timestamps;
import dev.companion.common.id.Ids;
import dev.companion.download.model.ChatRef;
import dev.companion.download.model.ProjectRef;
import dev.companion.download.repository.BlockingDb;
import dev.companion.events.ChatCreated;
import dev.companion.events.ChatDeleted;
import dev.companion.events.ChatSnapshot;
import dev.companion.events.ChatUpdated;
import dev.companion.events.EventTypes;
import dev.companion.events.MessageCreated;
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
 * Contract: chat-service's typed events (built as its ChatEventPublisher builds them),
 * serialised as its outbox does, are what {@code ReadModelConsumer} reads: created/updated keep the chat's
 * name and project with the owner's updatedAt (an older state arriving late changes nothing), deleted
 * removes it; messages pass without being recorded (chunks are on chat.stream, which only gateways read).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_download"))
class ChatEventsContractTest {

    private static final String CONSUMER = "download-service.chats";

    @Inject
    ObjectMapper mapper;

    @Inject
    BlockingDb db;

    private static ChatSnapshot chat(String type, String id, String projectId, String userId, String name,
                                     Instant createdAt, Instant updatedAt) {
        return ChatSnapshot.of(type, id, projectId, userId, name, "gpt-4", false, false, 2,
                Timestamps.format(createdAt), Timestamps.format(updatedAt));
    }

    private ChatRef ref(String id) {
        return db.read(() -> ChatRef.<ChatRef>findById(id));
    }

    @Test
    void chatServiceEventsAsWrittenMoveTheReadModel() {
        String user = TestData.userId();
        String projectId = Ids.newId("proj");
        String chatId = Ids.newId("chat");
        Instant t0 = Instant.parse("2026-02-03T04:05:06.007Z");

        ChatSnapshot created = chat(ChatCreated.TYPE, chatId, projectId, user, "Sketches", t0, t0);
        assertThat(EventTypes.nullRequiredFields((Record) created)).as("the event keeps the contract").isEmpty();
        OutboxWire.publish(mapper, created, user);
        await().atMost(Duration.ofSeconds(20)).until(() -> ref(chatId) != null);
        assertThat(ref(chatId).name).isEqualTo("Sketches");
        assertThat(ref(chatId).projectId).isEqualTo(projectId);
        assertThat(ref(chatId).userId).isEqualTo(user);
        assertThat(ref(chatId).updatedAt).isEqualTo(t0);

        // messages share the topic and the key: passed over, never recorded
        String message = OutboxWire.publish(mapper, new MessageCreated(chatId, projectId, Ids.newId("msg"), "user",
                Timestamps.format(t0)), user);

        Instant t2 = t0.plusSeconds(120);
        OutboxWire.publish(mapper, chat(ChatUpdated.TYPE, chatId, projectId, user, "SketchesRenamed", t0, t2), user);
        await().atMost(Duration.ofSeconds(20)).until(() -> "SketchesRenamed".equals(ref(chatId).name));
        assertThat(ref(chatId).updatedAt).isEqualTo(t2);
        assertThat(OutboxWire.processed(db, CONSUMER, OutboxWire.eventId(mapper, message))).isFalse();

        // an older state that arrives late is recorded as applied, and changes nothing
        String stale = OutboxWire.publish(mapper, chat(ChatUpdated.TYPE, chatId, projectId, user, "Stale", t0, t0.plusSeconds(60)), user);
        await().atMost(Duration.ofSeconds(20)).until(() -> OutboxWire.processed(db, CONSUMER, OutboxWire.eventId(mapper, stale)));
        assertThat(ref(chatId).name).isEqualTo("SketchesRenamed");

        // the name reaches file names
        OutboxWire.publish(mapper, ProjectSnapshot.of(ProjectCreated.TYPE, projectId, user, "Atlas", null, List.of(), null,
                new ProjectSettings(true, true, false), false, Timestamps.format(t0), Timestamps.format(t0)), user);
        await().atMost(Duration.ofSeconds(20)).until(() -> db.read(() -> ProjectRef.<ProjectRef>findById(projectId)) != null);
        TestData.Seeded image = TestData.image(db, user, projectId, chatId, "p", Instant.parse("2025-05-06T00:00:00Z"), 16, 16);
        given().auth().oauth2(TestTokens.forUser(user)).contentType(ContentType.JSON)
                .body("{\"imageIds\":[\"" + image.id() + "\"],\"createZip\":false,\"namingPattern\":\"{chat}-{index}\"}")
                .post("/v1/images/download/bulk").then().statusCode(200)
                .body("data.files[0].fileName", is("SketchesRenamed-001.png"));

        OutboxWire.publish(mapper, new ChatDeleted(chatId, projectId, user), user);
        await().atMost(Duration.ofSeconds(20)).until(() -> ref(chatId) == null);
    }
}
