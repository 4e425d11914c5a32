package dev.companion.project;

import dev.companion.common.id.Ids;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

/**
 * chat-service not even listening (connection refused): a chat the read model has not seen is 503 with
 * Retry-After, never a 404; a chat it has seen needs no call at all.
 */
@QuarkusTest
@TestProfile(OwnerAwayTest.NothingListening.class)
class OwnerAwayTest {

    /** chat-service's URL is a port nobody listens on; the infrastructure is the usual one. */
    public static class NothingListening implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.rest-client.chat-service.url", "http://127.0.0.1:" + closedPort());
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(LocalInfraResource.class, Map.of("database", "companion_project")));
        }

        private static int closedPort() {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void anUnseenChatIs503WithRetryAfterAndASeenOneNeedsNoCall() {
        TestUsers u = TestUsers.fresh();
        String projectId = ProjectApiTest.create(u, "Away", null, List.of());
        String chatId = Ids.newId("chat");
        u.api().body(Map.of("name", "Voice", "scope", "chat", "chatId", chatId, "instructions", Map.of("style", "Terse")))
                .post("/v1/instructions").then().statusCode(503)
                .header("Retry-After", notNullValue())
                .body("error.code", is("SERVICE_UNAVAILABLE")).body("error.details.service", is("chat-service"));
        u.api().get("/v1/projects/" + projectId).then().body("data.chatCount", is(0));

        KafkaTestClient.chatCreated(chatId, projectId, u.id(), Instant.now());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> u.api().queryParam("chatId", chatId)
                .get("/v1/instructions/effective").then().statusCode(200).body("data.projectId", is(projectId)));
        u.api().body(Map.of("name", "Voice", "scope", "chat", "chatId", chatId, "instructions", Map.of("style", "Terse")))
                .post("/v1/instructions").then().statusCode(201);
    }
}
