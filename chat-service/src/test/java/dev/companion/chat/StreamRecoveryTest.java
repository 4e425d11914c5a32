package dev.companion.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.chat.service.StreamRecovery;
import dev.companion.chat.support.ChatTestSupport.ChatEvents;
import dev.companion.chat.support.ChatTestSupport.User;
import dev.companion.chat.support.FakeOpenAiResource;
import dev.companion.common.id.Ids;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.companion.chat.support.ChatTestSupport.createChat;
import static dev.companion.chat.support.ChatTestSupport.createProject;
import static dev.companion.chat.support.ChatTestSupport.messages;
import static dev.companion.chat.support.ChatTestSupport.newUser;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * An answer left "streaming" by a process that died (its row no longer refreshed) ends as an error the
 * client is told about; the answers this process streams are left alone.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_chat"))
@QuarkusTestResource(FakeOpenAiResource.class)
class StreamRecoveryTest {

    @Inject
    DataSource dataSource;

    @Inject
    StreamRecovery recovery;

    @Test
    void anAnswerOrphanedByACrashEndsAsInterruptedWithMessageError() throws Exception {
        User user = newUser();
        String chatId = createChat(user, createProject(user), Map.of());
        // what a crashed process leaves behind: a prompt and an answer row still "streaming", not refreshed for minutes
        String promptId = Ids.newId("msg");
        String answerId = Ids.newId("msg");
        Instant then = Instant.now().minus(Duration.ofMinutes(5));
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO message (id, chat_id, user_id, parent_id, role, content, status, "
                     + "model, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'offline-echo', ?, ?)")) {
            insert(ps, promptId, chatId, user.id(), null, "user", "before the crash", "sending", then);
            insert(ps, answerId, chatId, user.id(), promptId, "assistant", "half an ans", "streaming", then);
        }
        given().auth().oauth2(user.token()).get("/v1/chats/" + chatId + "/stream-status").then().statusCode(200)
                .body("data.streaming", is(true)).body("data.messageId", is(answerId));

        try (ChatEvents events = new ChatEvents()) {
            recovery.recoverStale().await().atMost(Duration.ofSeconds(20));
            List<JsonNode> evts = events.awaitFor(chatId, e -> ChatEvents.has(e, "message.error", answerId));
            JsonNode error = ChatEvents.first(evts, "message.error", answerId);
            assertEquals(user.id(), error.path("userId").asText());
            assertEquals("interrupted", error.path("data").path("error").path("code").asText());
        }
        // both rows carry the same timestamp, so pick the answer by id rather than by position
        JsonNode answer = null;
        for (JsonNode m : messages(user, chatId)) {
            if (answerId.equals(m.path("id").asText())) {
                answer = m;
            }
        }
        assertNotNull(answer, "the orphaned answer is listed");
        assertEquals("error", answer.path("status").asText());
        assertEquals("half an ans", answer.path("content").asText());
        given().auth().oauth2(user.token()).get("/v1/chats/" + chatId + "/stream-status").then().statusCode(200)
                .body("data.streaming", is(false));
        // it can be answered again
        given().auth().oauth2(user.token()).post("/v1/chats/" + chatId + "/messages/" + answerId + "/regenerate").then().statusCode(201);
    }

    private static void insert(PreparedStatement ps, String id, String chatId, String userId, String parentId, String role,
                               String content, String status, Instant at) throws Exception {
        ps.setString(1, id);
        ps.setString(2, chatId);
        ps.setString(3, userId);
        ps.setString(4, parentId);
        ps.setString(5, role);
        ps.setString(6, content);
        ps.setString(7, status);
        ps.setTimestamp(8, Timestamp.from(at));
        ps.setTimestamp(9, Timestamp.from(at));
        ps.executeUpdate();
    }
}
