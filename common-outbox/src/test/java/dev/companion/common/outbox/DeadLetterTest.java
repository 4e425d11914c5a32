package dev.companion.common.outbox;

import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A record the consumer can never apply (its handler always fails, or it is not an event at all) is
 * retried by the one policy, then lands in the consumer group's dead-letter topic with the cause, and
 * the records behind it are applied: the channel neither stops nor drops anything silently.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_project"))
class DeadLetterTest {

    @Inject
    Pool pool;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private String write(String text, boolean poison) {
        return given().queryParam("text", text).queryParam("poison", poison).post("/test/notes")
                .then().statusCode(200).extract().path("data.eventId");
    }

    private boolean applied(String eventId) {
        return pool.preparedQuery("SELECT 1 FROM note_seen WHERE event_id = $1").execute(Tuple.of(eventId))
                .await().atMost(Duration.ofSeconds(10)).size() == 1;
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicAndTheNextRecordIsApplied() throws Exception {
        String poison = write("poison", true);
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("outbox.test", "notes", "this is not an event")).get();
        }
        String next = write("after-poison", false);

        await().atMost(Duration.ofSeconds(30)).until(() -> applied(next));
        assertEquals(false, applied(poison));

        Map<String, ConsumerRecord<String, String>> dead = new HashMap<>();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlt-check-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("outbox-test.dlt"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && dead.size() < 2) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value().contains(poison)) {
                        dead.put("poison", r);
                    } else if (r.value().equals("this is not an event")) {
                        dead.put("garbage", r);
                    }
                }
            }
        }
        assertEquals(2, dead.size(), "both unusable records reached the dead-letter topic: " + dead.keySet());
        var reason = dead.get("poison").headers().lastHeader("dead-letter-reason");
        assertNotNull(reason, "the cause travels with the record");
        assertTrue(new String(reason.value(), StandardCharsets.UTF_8).contains("can never be applied"));
        assertEquals("outbox.test", new String(dead.get("garbage").headers().lastHeader("dead-letter-topic").value(), StandardCharsets.UTF_8));
    }
}
