package dev.companion.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.events.EventEnvelope;
import dev.companion.common.events.EventReader;
import dev.companion.events.EventTopics;
import dev.companion.events.EventTypes;
import dev.companion.events.UserEvent;
import dev.companion.events.UserRegistered;
import dev.companion.events.UserUpdated;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.companion.auth.AuthFlow.*;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Contract: what auth-service writes on user.events is what a consumer of the events module reads. The
 * record is keyed by the user, its headers name the event, its data decodes into {@link UserRegistered} /
 * {@link UserUpdated} with every required field set, and the JSON is exactly the shape the topic always had,
 * {@code {id, email, name, plan, roles}} (no password hash, nothing more).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = {@ResourceArg(name = "database", value = "companion_auth"), @ResourceArg(name = "redis", value = "true")})
class UserEventsContractTest {

    @Inject
    ObjectMapper mapper;

    @Inject
    EventReader reader;

    @Test
    void registrationAndRenameAreTheTypedUserRecordsOnTheWire() throws Exception {
        String email = newEmail("UserContract");
        String userId = given().contentType("application/json")
                .body(Map.of("email", email, "password", PASSWORD, "name", "Grace Hopper"))
                .when().post("/v1/auth/register").then().statusCode(201).extract().path("data.id");

        UserEvent registered = read(userId, UserRegistered.TYPE);
        assertEquals(new UserRegistered(userId, email, "Grace Hopper", "free", List.of("user")), registered);

        Pkce pkce = Pkce.create();
        Tokens t = exchange(code(email, pkce), pkce);
        given().header("Authorization", bearer(t.accessToken())).contentType("application/json")
                .body(Map.of("name", "Rear Admiral Hopper")).when().patch("/v1/user/profile").then().statusCode(200);

        UserEvent updated = read(userId, UserUpdated.TYPE);
        assertEquals(new UserUpdated(userId, email, "Rear Admiral Hopper", "free", List.of("user")), updated);
    }

    /** The one record of {@code type} for the user on user.events, checked at the wire and decoded. */
    private UserEvent read(String userId, String type) throws Exception {
        List<ConsumerRecord<String, String>> records = KafkaEvents.awaitRecords(EventTopics.USER_EVENTS,
                e -> userId.equals(e.path("userId").asText()) && type.equals(e.path("type").asText()), Duration.ofSeconds(20));
        assertEquals(1, records.size());
        ConsumerRecord<String, String> r = records.get(0);
        EventEnvelope envelope = reader.read(r.value());
        assertEquals(userId, r.key());
        assertEquals(envelope.id(), header(r, "ce_id"));
        assertEquals(type, header(r, "ce_type"));

        JsonNode data = envelope.data();
        List<String> fields = new ArrayList<>();
        data.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("id", "email", "name", "plan", "roles"), fields);

        UserEvent event = reader.decode(envelope, UserEvent.class).orElseThrow();
        assertEquals(type, event.type());
        assertEquals(userId, event.key());
        assertTrue(EventTypes.nullRequiredFields((Record) event).isEmpty(), () -> EventTypes.nullRequiredFields((Record) event).toString());
        return event;
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        return r.headers().lastHeader(name) == null ? null : new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
