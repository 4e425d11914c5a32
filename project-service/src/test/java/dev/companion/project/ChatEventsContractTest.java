package dev.companion.project;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.events.EventEnvelope;
import dev.companion.events.ChatCreated;
import dev.companion.events.ChatDeleted;
import dev.companion.events.CompanionEvent;
import dev.companion.events.MessageCreated;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

/**
 * Contract: chat-service's typed events (the events module's records), serialised as its outbox does
 * (the envelope JSON), are what {@code ChatEventsConsumer} reads: chatCount follows created and deleted chats.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_project"))
class ChatEventsContractTest {

    @Inject
    ObjectMapper mapper;

    @Test
    void chatServiceEventsAsWrittenMoveTheReadModel() {
        TestUsers u = TestUsers.fresh();
        String project = ProjectApiTest.create(u, "Contract", null, List.of());
        String chat = "chat_" + u.id().substring(5);
        String t = Instant.now().toString();

        publish(new ChatCreated(chat, project, u.id(), "Chat", "gpt-4", false, false, 0, t, t), u.id());
        publish(new MessageCreated(chat, project, "msg_" + u.id().substring(5), "user", t), u.id());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                u.api().get("/v1/projects/" + project).then().body("data.chatCount", is(1)));

        publish(new ChatDeleted(chat, project, u.id()), u.id());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                u.api().get("/v1/projects/" + project).then().body("data.chatCount", is(0)));
    }

    /** What chat-service's Outbox.publish(event, userId) writes, sent where its relay sends it. */
    private void publish(CompanionEvent event, String userId) {
        EventEnvelope envelope = EventEnvelope.create(event.type(), userId, "req_contract", mapper.valueToTree(event));
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestClient.bootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(event.topic(), event.keyFor(userId), mapper.writeValueAsString(envelope))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
