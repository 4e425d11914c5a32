package dev.companion.common.outbox;

import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A work-queue topic ({@code companion.outbox.spread-topics}) gets its rows spread over every
 * partition in turn, even when they all carry the same key; other topics keep partitioning by key.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_project"))
class OutboxSpreadTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void rowsOfASpreadTopicGoToEveryPartitionInTurnWhateverTheirKey() {
        try (KafkaConsumer<String, String> consumer = OutboxSpreadTest.atEndOfImageJobs(bootstrap)) {

            Set<String> texts = new HashSet<>();
            for (int i = 0; i < 16; i++) {
                String text = "spread-" + i + "-" + System.nanoTime();
                texts.add(text);
                // every note has the key "notes": by key they would all land on one partition
                given().queryParam("text", text).queryParam("topic", "image.jobs").post("/test/notes").then().statusCode(200);
            }
            Map<Integer, Integer> perPartition = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int seen = 0;
            while (seen < 16 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (texts.stream().anyMatch(t -> r.value().contains(t))) {
                        perPartition.merge(r.partition(), 1, Integer::sum);
                        seen++;
                    }
                }
            }
            assertEquals(16, seen, "every row reached Kafka");
            assertEquals(8, perPartition.size(), "every partition got rows: " + perPartition);
            perPartition.values().forEach(n -> assertEquals(2, n, "two rows each: " + perPartition));
        }
    }

    /** A consumer of all eight image.jobs partitions, positioned at their ends. */
    static KafkaConsumer<String, String> atEndOfImageJobs(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
        List<TopicPartition> partitions = consumer.partitionsFor("image.jobs").stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        assertEquals(8, partitions.size(), "the local stack's image.jobs has 8 partitions");
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }
}
