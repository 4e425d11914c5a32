package dev.companion.download;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.api.ErrorResponse.Timestamps;
import dev.companion.common.id.Ids;
import dev.companion.download.model.ProjectRef;
import dev.companion.download.repository.BlockingDb;
import dev.companion.events.ProjectCreated;
import dev.companion.events.ProjectSettings;
import dev.companion.events.ProjectSnapshot;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A record the read models can never apply (an image.complete whose data does not fit its record, a value
 * that is not an event) goes to {@code download-service.dlt} with its cause, and the records behind it on
 * the same partition are applied: the channels neither stop nor drop anything silently.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_download"))
class ReadModelDeadLetterTest {

    @Inject
    ObjectMapper mapper;

    @Inject
    BlockingDb db;

    @Test
    void poisonRecordsGoToTheDeadLetterTopicAndTheNextRecordIsApplied() {
        String user = TestData.userId();
        String generationId = Ids.newId("gen");
        String poisonId = Ids.newId("evt");
        TestData.send("image.events", generationId, TestData.event(poisonId, "image.complete", user,
                "{\"generationId\":\"" + generationId + "\",\"prompt\":\"x\",\"images\":{\"not\":\"a list\"}}"));
        String projectId = Ids.newId("proj");
        String garbage = "not an event " + UUID.randomUUID();
        TestData.send("project.events", projectId, garbage);

        // the records behind them, same keys (same partitions)
        String imageId = Ids.newId("img");
        TestData.imageEvent(Ids.newId("evt"), user, imageId, null, null, "after the poison", java.time.Instant.now(),
                TestData.png(8, 8, 1), 8, 8, false);
        String now = Timestamps.now();
        OutboxWire.publish(mapper, ProjectSnapshot.of(ProjectCreated.TYPE, projectId, user, "After", null, List.of(), null,
                new ProjectSettings(true, true, false), false, now, now), user);
        TestData.awaitImage(db, imageId);
        await().atMost(Duration.ofSeconds(20)).until(() -> db.read(() -> ProjectRef.<ProjectRef>findById(projectId)) != null);
        assertThat(OutboxWire.processed(db, "download-service.images", poisonId)).as("the poison changed nothing").isFalse();

        Map<String, ConsumerRecord<String, String>> dead = new HashMap<>();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestData.config("kafka.bootstrap.servers"));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlt-check-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("download-service.dlt"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && dead.size() < 2) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value().contains(poisonId)) {
                        dead.put("poison", r);
                    } else if (r.value().equals(garbage)) {
                        dead.put("garbage", r);
                    }
                }
            }
        }
        assertThat(dead).as("both unusable records reached download-service.dlt").containsOnlyKeys("poison", "garbage");
        assertThat(dead.get("poison").key()).isEqualTo(generationId);
        assertThat(header(dead.get("poison"), "dead-letter-topic")).isEqualTo("image.events");
        assertThat(header(dead.get("poison"), "dead-letter-reason")).contains("unreadable payload");
        assertThat(header(dead.get("garbage"), "dead-letter-topic")).isEqualTo("project.events");
        assertThat(header(dead.get("garbage"), "dead-letter-reason")).contains("not an event envelope");
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
