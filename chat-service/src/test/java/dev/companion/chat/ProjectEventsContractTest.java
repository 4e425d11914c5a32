package dev.companion.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.chat.support.ChatTestSupport;
import dev.companion.chat.support.ChatTestSupport.User;
import dev.companion.chat.support.FakeOpenAiResource;
import dev.companion.common.events.EventEnvelope;
import dev.companion.events.CompanionEvent;
import dev.companion.events.ProjectCreated;
import dev.companion.events.ProjectDeleted;
import dev.companion.events.ProjectSettings;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/**
 * Contract: project-service's typed events (the events module's records), serialised as its outbox does
 * (the envelope JSON), are what {@code ProjectEventsConsumer} reads: the project becomes known, and its
 * deletion takes its chats along.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_chat"))
@QuarkusTestResource(FakeOpenAiResource.class)
class ProjectEventsContractTest {

    @Inject
    ObjectMapper mapper;

    @Test
    void projectServiceEventsAsWrittenMoveTheReadModel() {
        User user = ChatTestSupport.newUser();
        String projectId = dev.companion.common.id.Ids.newId("proj");
        String now = Instant.now().toString();
        publish(new ProjectCreated(projectId, user.id(), "Contract", "", List.of(), "#112233",
                new ProjectSettings(true, true, false), false, now, now), user.id());
        await().atMost(Duration.ofSeconds(20)).until(() -> given().auth().oauth2(user.token())
                .get("/v1/projects/" + projectId + "/chats").statusCode() == 200);
        String chatId = ChatTestSupport.createChat(user, projectId, Map.of("name", "Doomed"));

        publish(new ProjectDeleted(projectId, user.id()), user.id());
        await().atMost(Duration.ofSeconds(20)).until(() -> given().auth().oauth2(user.token())
                .get("/v1/chats/" + chatId).statusCode() == 404);
    }

    /** What project-service's Outbox.publish(event, userId) writes, sent where its relay sends it. */
    private void publish(CompanionEvent event, String userId) {
        EventEnvelope envelope = EventEnvelope.create(event.type(), userId, "req_contract", mapper.valueToTree(event));
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(event.topic(), event.keyFor(userId), mapper.writeValueAsString(envelope))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
