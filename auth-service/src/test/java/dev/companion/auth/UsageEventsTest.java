package dev.companion.auth;

import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.companion.auth.AuthFlow.*;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

/** Profile usage counts follow project, chat and image events, and a replay of the same events changes nothing. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = {@ResourceArg(name = "database", value = "companion_auth"), @ResourceArg(name = "redis", value = "true")})
class UsageEventsTest {

    private record Event(String topic, String key, String json) {
    }

    private static Event event(String topic, String key, String type, String userId, String data) {
        String id = "evt_" + UUID.randomUUID().toString().replace("-", "");
        return new Event(topic, key, "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"occurredAt\":\"2026-11-23T10:00:00Z\","
                + "\"userId\":\"" + userId + "\",\"requestId\":\"req_test\",\"data\":" + data + "}");
    }

    @Test
    void countsFollowEventsAndReplaysAreIgnored() throws Exception {
        Tokens t = loginNewUser(newEmail("usage"));
        String userId = given().header("Authorization", bearer(t.accessToken())).when().get("/v1/user/profile")
                .then().statusCode(200).extract().path("data.id");

        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String projectId = "proj_" + i + UUID.randomUUID().toString().substring(0, 6);
            events.add(event("project.events", projectId, "project.created", userId,
                    "{\"id\":\"" + projectId + "\",\"userId\":\"" + userId + "\",\"name\":\"P" + i + "\"}"));
        }
        events.add(event("project.events", "proj_x", "project.deleted", userId, "{\"id\":\"proj_x\",\"userId\":\"" + userId + "\"}"));
        // an update does not change the count
        events.add(event("project.events", "proj_y", "project.updated", userId, "{\"id\":\"proj_y\",\"userId\":\"" + userId + "\"}"));
        for (int i = 0; i < 2; i++) {
            events.add(event("chat.events", "chat_" + i, "chat.created", userId,
                    "{\"id\":\"chat_" + i + "\",\"projectId\":\"proj_a\",\"userId\":\"" + userId + "\"}"));
        }
        events.add(event("chat.events", "chat_0", "message.created", userId, "{\"chatId\":\"chat_0\",\"messageId\":\"msg_1\"}"));
        events.add(event("image.events", "img_gen_1", "image.complete", userId,
                "{\"generationId\":\"img_gen_1\",\"images\":[{\"id\":\"img_1\"},{\"id\":\"img_2\"},{\"id\":\"img_3\"},{\"id\":\"img_4\"}]}"));
        events.add(event("image.events", "img_gen_1", "image.progress", userId, "{\"generationId\":\"img_gen_1\",\"progress\":50}"));
        events.add(event("image.events", "img_gen_1", "image.deleted", userId,
                "{\"imageIds\":[\"img_1\"],\"generationId\":\"img_gen_1\"}"));
        // some other user's event does not count for this one
        events.add(event("chat.events", "chat_z", "chat.created", "user_someoneelse", "{\"id\":\"chat_z\"}"));

        for (Event e : events) {
            KafkaEvents.send(e.topic(), e.key(), e.json());
        }
        awaitUsage(t.accessToken(), 2, 2, 3);

        // replay every event (same ids): nothing changes
        for (Event e : events) {
            KafkaEvents.send(e.topic(), e.key(), e.json());
        }
        // a marker event sent after the replay proves the replay was consumed before we look
        Event marker = event("chat.events", "chat_m", "chat.created", userId, "{\"id\":\"chat_m\"}");
        KafkaEvents.send(marker.topic(), marker.key(), marker.json());
        awaitUsage(t.accessToken(), 2, 3, 3);
        // every partition of the three topics consumed past the replay
        await().atMost(Duration.ofSeconds(30)).until(() -> KafkaEvents.consumedAll("auth-service", "project.events", "chat.events", "image.events"));
        given().header("Authorization", bearer(t.accessToken())).when().get("/v1/user/profile")
                .then().statusCode(200).body("data.usage.projects", is(2)).body("data.usage.chats", is(3)).body("data.usage.images", is(3));
    }

    private static void awaitUsage(String token, int projects, int chats, int images) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                given().header("Authorization", bearer(token)).when().get("/v1/user/profile")
                        .then().statusCode(200).body("data.usage.projects", is(projects))
                        .body("data.usage.chats", is(chats)).body("data.usage.images", is(images)));
    }
}
