package dev.companion.common.outbox;

import dev.companion.testing.InfraControl;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outbox promise: writes made while Kafka is down are not lost, arrive once the broker is back,
 * in order per key, and a de-duplicating consumer applies each exactly once. A rolled-back write
 * sends nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_project"))
class OutboxKafkaOutageTest {

    @Inject
    Pool pool;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private String write(String text, boolean fail) {
        var response = given().queryParam("text", text).queryParam("fail", fail).post("/test/notes");
        if (fail) {
            response.then().statusCode(500).body("error.code", org.hamcrest.Matchers.is("SERVER_ERROR"));
            return null;
        }
        return response.then().statusCode(200).extract().path("data.id");
    }

    /** The notes of {@code written} that the consumer applied, in the order it applied them (other tests write notes too). */
    private List<String> seenNoteIds(List<String> written) {
        List<String> ids = new ArrayList<>();
        for (Row row : pool.query("SELECT note_id FROM note_seen ORDER BY seq").execute().await().atMost(Duration.ofSeconds(10))) {
            if (written.contains(row.getString("note_id"))) {
                ids.add(row.getString("note_id"));
            }
        }
        return ids;
    }

    private long unsent() {
        return pool.query("SELECT count(*) AS n FROM outbox_event WHERE sent_at IS NULL").execute()
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("n");
    }

    @Test
    void eventsWrittenDuringAKafkaOutageArriveExactlyOnceAfterRecovery() throws Exception {
        List<String> written = new ArrayList<>();
        written.add(write("before-1", false));
        written.add(write("before-2", false));
        await().atMost(Duration.ofSeconds(30)).until(() -> seenNoteIds(written).size() == 2);

        InfraControl.stopKafka();
        try {
            for (int i = 1; i <= 5; i++) {
                written.add(write("during-" + i, false));
            }
            assertEquals(null, write("rolled-back", true));
            // the relay keeps trying; nothing can leave while the broker is down
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> unsent() == 5);
        } finally {
            InfraControl.startKafka();
        }
        written.add(write("after-1", false));

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> seenNoteIds(written).size() >= written.size());
        // room for any duplicate delivery to show up: the set stays exactly the writes
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> written.equals(seenNoteIds(written)));
        assertEquals(written, seenNoteIds(written), "each event applied exactly once, in write order");
        assertEquals(0, unsent());

        // On the wire: every event at least once, nothing for the rolled-back write.
        Map<String, Integer> onWire = new HashMap<>();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "outbox-check-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("outbox.test"));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && onWire.size() < written.size()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    assertEquals("notes", r.key());
                    assertTrue(!r.value().contains("rolled-back"), "a rolled-back write must not produce an event");
                    for (String id : written) {
                        if (r.value().contains(id)) {
                            onWire.merge(id, 1, Integer::sum);
                        }
                    }
                }
            }
        }
        assertEquals(written.size(), onWire.size(), "every event reached Kafka");
    }
}
