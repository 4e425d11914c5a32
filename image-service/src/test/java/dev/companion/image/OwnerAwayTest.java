package dev.companion.image;

import dev.companion.common.id.Ids;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.companion.image.ImageTestSupport.publish;
import static dev.companion.image.ImageTestSupport.user;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

/**
 * chat-service not even listening (connection refused): a chat the read model has not seen is 503 with
 * Retry-After, never a 404; a chat it has seen (chat.created applied) needs no call at all.
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
            return List.of(new TestResourceEntry(LocalInfraResource.class, Map.of("database", "companion_image")));
        }

        private static int closedPort() {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static io.restassured.response.ValidatableResponse generate(String token, String chatId) {
        return given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("prompt", "A lighthouse", "chatId", chatId, "options", Map.of("model", "offline-art", "n", 1)))
                .post("/v1/images/generate").then();
    }

    @Test
    void anUnseenChatIs503WithRetryAfterAndASeenOneNeedsNoCall() throws Exception {
        String dana = user();
        String token = TestTokens.forUser(dana);
        String chatId = Ids.newId("chat");
        generate(token, chatId).statusCode(503).header("Retry-After", notNullValue())
                .body("error.code", is("SERVICE_UNAVAILABLE")).body("error.details.service", is("chat-service"));

        publish("chat.events", chatId, "chat.created", dana, Map.of("id", chatId, "projectId", Ids.newId("proj"), "userId", dana));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> generate(token, chatId).statusCode(201));
    }
}
