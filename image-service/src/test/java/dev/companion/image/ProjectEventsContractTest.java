package dev.companion.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.id.Ids;
import dev.companion.events.ChatCreated;
import dev.companion.events.ImageDeleted;
import dev.companion.events.ProjectCreated;
import dev.companion.events.ProjectDeleted;
import dev.companion.events.ProjectSettings;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.companion.image.ChatEventsContractTest.PROJECT_CONSUMER;
import static dev.companion.image.ChatEventsContractTest.chatProject;
import static dev.companion.image.ChatEventsContractTest.processed;
import static dev.companion.image.ImageTestSupport.*;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Contract: project-service's typed {@code ProjectDeleted}, serialised as its outbox does (the envelope
 * JSON, keyed by the project), is what {@code ChatEventsConsumer} reads: the project's images and chats are
 * removed. Other project types pass without being recorded.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_image"))
@QuarkusTestResource(FakeOpenAiResource.class)
class ProjectEventsContractTest {

    @Inject
    ObjectMapper mapper;

    @BeforeAll
    static void log() {
        startEventLog();
    }

    @Test
    void projectServiceDeletionAsWrittenRemovesTheProjectsImagesAndChats() throws Exception {
        String u = user();
        String token = TestTokens.forUser(u);
        String project = Ids.newId("proj");
        String chatA = Ids.newId("chat");
        String chatB = Ids.newId("chat");
        String t = Instant.now().toString();

        String created = publish(mapper, new ProjectCreated(project, u, "Contract", null, List.of(), null,
                new ProjectSettings(true, true, false), false, t, t), u);
        publish(mapper, new ChatCreated(chatA, project, u, "A", "gpt-4o-mini", false, false, 0, t, t), u);
        publish(mapper, new ChatCreated(chatB, project, u, "B", "gpt-4o-mini", false, false, 0, t, t), u);
        await().atMost(20, TimeUnit.SECONDS).until(() -> project.equals(chatProject(chatA)) && project.equals(chatProject(chatB)));

        String id = generate(token, "{\"prompt\":\"Contract harbour\",\"chatId\":\"" + chatA + "\"}").getString("data.id");
        String url = awaitStatus(token, id, "completed", 60).getString("data.images[0].url");
        assertEquals(200, download(url).statusCode());

        String deleted = publish(mapper, new ProjectDeleted(project, u), u);
        await().atMost(20, TimeUnit.SECONDS).until(() -> queryLong("SELECT count(*) FROM image WHERE project_id = ?", project) == 0);
        await().atMost(20, TimeUnit.SECONDS).until(() -> download(url).statusCode() == 404);
        assertEquals(0, queryLong("SELECT count(*) FROM chat_ref WHERE project_id = ?", project));
        assertEquals(0, queryLong("SELECT count(*) FROM image_generation WHERE id = ?", id));
        assertEquals(1, processed(PROJECT_CONSUMER, deleted));
        // project.created is not a type image-service applies: passed over, nothing recorded
        assertEquals(0, processed(PROJECT_CONSUMER, created));

        await().atMost(15, TimeUnit.SECONDS).until(() -> events(id, ImageDeleted.TYPE).size() == 1);
        ImageDeleted gone = decode(mapper, events(id, ImageDeleted.TYPE).get(0), ImageDeleted.class);
        assertEquals(project, gone.projectId());
        assertEquals(chatA, gone.chatId());
        assertEquals(1, gone.imageIds().size());
    }
}
