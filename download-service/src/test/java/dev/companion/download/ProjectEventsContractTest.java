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
import dev.companion.events.InstructionContent;
import dev.companion.events.InstructionCreated;
import dev.companion.events.ProjectArchived;
import dev.companion.events.ProjectCreated;
import dev.companion.events.ProjectDeleted;
import dev.companion.events.ProjectSettings;
import dev.companion.events.ProjectSnapshot;
import dev.companion.events.ProjectUpdated;
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
 * Contract: project-service's typed events (built as its ProjectMapper and ProjectService build them),
 * serialised as its outbox does, are what {@code ReadModelConsumer} reads: created/updated/archived keep the
 * project's name with the owner's updatedAt (an older state arriving late changes nothing), deleted takes
 * the project's images, chats and downloads along; instruction sets pass without being recorded.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_download"))
class ProjectEventsContractTest {

    private static final String CONSUMER = "download-service.projects";

    @Inject
    ObjectMapper mapper;

    @Inject
    BlockingDb db;

    private static ProjectSnapshot project(String type, String id, String userId, String name, boolean archived,
                                           Instant createdAt, Instant updatedAt) {
        return ProjectSnapshot.of(type, id, userId, name, "what it is about", List.of("work"), "#112233",
                new ProjectSettings(true, true, false), archived, Timestamps.format(createdAt), Timestamps.format(updatedAt));
    }

    private ProjectRef ref(String id) {
        return db.read(() -> ProjectRef.<ProjectRef>findById(id));
    }

    @Test
    void projectServiceEventsAsWrittenMoveTheReadModel() {
        String user = TestData.userId();
        String projectId = Ids.newId("proj");
        Instant t0 = Instant.parse("2026-01-02T03:04:05.006Z");

        ProjectSnapshot created = project(ProjectCreated.TYPE, projectId, user, "Atlas", false, t0, t0);
        assertThat(EventTypes.nullRequiredFields((Record) created)).as("the event keeps the contract").isEmpty();
        OutboxWire.publish(mapper, created, user);
        await().atMost(Duration.ofSeconds(20)).until(() -> ref(projectId) != null);
        assertThat(ref(projectId).name).isEqualTo("Atlas");
        assertThat(ref(projectId).userId).isEqualTo(user);
        assertThat(ref(projectId).updatedAt).isEqualTo(t0);

        Instant t2 = t0.plusSeconds(120);
        OutboxWire.publish(mapper, project(ProjectUpdated.TYPE, projectId, user, "AtlasRenamed", false, t0, t2), user);
        await().atMost(Duration.ofSeconds(20)).until(() -> "AtlasRenamed".equals(ref(projectId).name));
        assertThat(ref(projectId).updatedAt).isEqualTo(t2);

        // an older state that arrives late is recorded as applied, and changes nothing
        String stale = OutboxWire.publish(mapper, project(ProjectUpdated.TYPE, projectId, user, "Stale", false, t0, t0.plusSeconds(60)), user);
        await().atMost(Duration.ofSeconds(20)).until(() -> OutboxWire.processed(db, CONSUMER, OutboxWire.eventId(mapper, stale)));
        assertThat(ref(projectId).name).isEqualTo("AtlasRenamed");
        assertThat(ref(projectId).updatedAt).isEqualTo(t2);

        Instant t3 = t2.plusSeconds(60);
        OutboxWire.publish(mapper, project(ProjectArchived.TYPE, projectId, user, "AtlasArchived", true, t0, t3), user);
        await().atMost(Duration.ofSeconds(20)).until(() -> "AtlasArchived".equals(ref(projectId).name));

        // an instruction set on the same topic and key is none of this read model's business
        String instruction = OutboxWire.publish(mapper, new InstructionCreated(Ids.newId("inst"), user, "Tone", "project",
                projectId, null, "append", new InstructionContent("a terse editor", null, List.of("be brief"), List.of()),
                Timestamps.format(t3), Timestamps.format(t3)), user);

        String token = TestTokens.forUser(user);
        String chatId = Ids.newId("chat");
        OutboxWire.publish(mapper, ChatSnapshot.of(ChatCreated.TYPE, chatId, projectId, user, "Sketches", "gpt-4", false, false,
                0, Timestamps.format(t3), Timestamps.format(t3)), user);
        await().atMost(Duration.ofSeconds(20)).until(() -> db.read(() -> ChatRef.<ChatRef>findById(chatId)) != null);
        TestData.Seeded image = TestData.image(db, user, projectId, chatId, "p", Instant.parse("2025-05-06T00:00:00Z"), 16, 16);
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"format\":\"png\"}")
                .post("/v1/images/" + image.id() + "/download").then().statusCode(200)
                .body("data.fileName", is("AtlasArchived-2025-05-06-001.png"));
        given().auth().oauth2(token).get("/v1/downloads/history").then().body("data.pagination.total", is(1));

        OutboxWire.publish(mapper, new ProjectDeleted(projectId, user), user);
        await().atMost(Duration.ofSeconds(20)).until(() -> ref(projectId) == null);
        assertThat(db.read(() -> ImageRef.<ImageRef>findById(image.id()))).isNull();
        assertThat(db.read(() -> ChatRef.<ChatRef>findById(chatId))).isNull();
        given().auth().oauth2(token).get("/v1/downloads/history").then().body("data.pagination.total", is(0));
        assertThat(OutboxWire.processed(db, CONSUMER, OutboxWire.eventId(mapper, instruction))).isFalse();
    }
}
