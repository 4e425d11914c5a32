package dev.companion.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.id.Ids;
import dev.companion.events.ChatCreated;
import dev.companion.events.ChatDeleted;
import dev.companion.events.ChatUpdated;
import dev.companion.events.ImageDeleted;
import dev.companion.events.MessageCreated;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.companion.image.ImageTestSupport.*;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Contract: chat-service's typed events (ChatCreated, ChatUpdated, ChatDeleted of the events module),
 * serialised as its outbox does (the envelope JSON, keyed by the chat), are what {@code ChatEventsConsumer}
 * reads: the chat becomes known, follows its updates, and its deletion takes its images along. The other
 * types on the topic pass without being recorded.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_image"))
@QuarkusTestResource(FakeOpenAiResource.class)
class ChatEventsContractTest {

    /** The de-dup names the consumers record their events under (unchanged by the typed contract). */
    static final String CHAT_CONSUMER = "image-service.chat-events";
    static final String PROJECT_CONSUMER = "image-service.project-events";

    @Inject
    ObjectMapper mapper;

    @BeforeAll
    static void log() {
        startEventLog();
    }

    @Test
    void chatServiceEventsAsWrittenMoveTheReadModelAndTakeTheImagesAlong() throws Exception {
        String u = user();
        String token = TestTokens.forUser(u);
        String chatId = Ids.newId("chat");
        String firstProject = Ids.newId("proj");
        String project = Ids.newId("proj");
        String t = Instant.now().toString();

        publish(mapper, new ChatCreated(chatId, firstProject, u, "Contract", "gpt-4o-mini", false, false, 0, t, t), u);
        await().atMost(20, TimeUnit.SECONDS).until(() -> firstProject.equals(chatProject(chatId)));
        // the types the consumer does not want (messages; chunks are on chat.stream) pass over without a processed row
        String message = publish(mapper, new MessageCreated(chatId, firstProject, Ids.newId("msg"), "user", t), u);
        String updated = publish(mapper, new ChatUpdated(chatId, project, u, "Moved", "gpt-4o-mini", false, true, 2, t,
                Instant.now().toString()), u);
        await().atMost(20, TimeUnit.SECONDS).until(() -> project.equals(chatProject(chatId)));
        assertEquals(1, processed(CHAT_CONSUMER, updated));
        assertEquals(0, processed(CHAT_CONSUMER, message));

        // a generation in the chat takes the chat's project; its deletion takes the images along
        String id = generate(token, "{\"prompt\":\"Contract lighthouse\",\"chatId\":\"" + chatId + "\",\"options\":{\"n\":2}}")
                .getString("data.id");
        JsonPath done = awaitStatus(token, id, "completed", 60);
        assertEquals(project, done.getString("data.projectId"));
        String url = done.getString("data.images[0].url");
        assertEquals(200, download(url).statusCode());

        String deleted = publish(mapper, new ChatDeleted(chatId, project, u), u);
        await().atMost(20, TimeUnit.SECONDS).until(() -> queryLong("SELECT count(*) FROM image WHERE chat_id = ?", chatId) == 0);
        await().atMost(20, TimeUnit.SECONDS).until(() -> download(url).statusCode() == 404);
        assertEquals(null, chatProject(chatId));
        given().auth().oauth2(token).get("/v1/images/generate/" + id).then().statusCode(404);
        assertEquals(1, processed(CHAT_CONSUMER, deleted));

        // what the purge wrote is the typed image.deleted
        await().atMost(15, TimeUnit.SECONDS).until(() -> events(id, ImageDeleted.TYPE).size() == 1);
        JsonNode envelope = events(id, ImageDeleted.TYPE).get(0);
        ImageDeleted gone = decode(mapper, envelope, ImageDeleted.class);
        assertEquals(Set.of(done.getString("data.images[0].id"), done.getString("data.images[1].id")), Set.copyOf(gone.imageIds()));
        assertEquals(chatId, gone.chatId());
        assertEquals(project, gone.projectId());
        assertEquals(id, envelope.path("_key").asText());
        assertEquals(u, envelope.path("userId").asText());
    }

    static String chatProject(String chatId) throws Exception {
        return queryString("SELECT project_id FROM chat_ref WHERE chat_id = ?", chatId);
    }

    static long processed(String consumer, String eventId) throws Exception {
        return queryLong("SELECT count(*) FROM processed_event WHERE consumer = ? AND event_id = ?", consumer, Objects.requireNonNull(eventId));
    }
}
