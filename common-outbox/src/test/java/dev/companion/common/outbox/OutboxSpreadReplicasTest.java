package dev.companion.common.outbox;

import dev.companion.testing.LocalInfraResource;
import io.opentelemetry.api.OpenTelemetry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Several replicas relay one outbox (an image-service API and its workers share a database): the rows of a
 * work-queue topic continue one round over the partitions whichever replica sends them. Four fresh relays
 * sending two rows each put one row on each of the eight partitions; with a counter per relay all eight
 * went to partitions 0 and 1.
 */
@QuarkusTest
@TestProfile(OutboxSpreadReplicasTest.RelaysDrivenByTheTest.class)
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_project"))
class OutboxSpreadReplicasTest {

    /** The application's relay neither listens nor polls here: the test says which relay sends when. */
    public static class RelaysDrivenByTheTest implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("companion.outbox.listen", "false");
        }
    }

    @Inject
    Pool pool;
    @Inject
    OutboxMetrics metrics;
    @Inject
    Vertx vertx;
    @Inject
    EventProducer producer;
    @Inject
    OpenTelemetry openTelemetry;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void replicasContinueOneRoundOverThePartitions() {
        List<OutboxRelay> replicas = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            replicas.add(new OutboxRelay(pool, metrics, vertx, producer, openTelemetry, 200, false,
                    Optional.of(List.of("image.jobs")), Optional.empty(), Optional.empty(), Optional.empty()));
        }
        try (KafkaConsumer<String, String> consumer = OutboxSpreadTest.atEndOfImageJobs(bootstrap)) {

            String run = "replica-" + System.nanoTime() + "-";
            for (int i = 0; i < 8; i++) {
                given().queryParam("text", run + i).queryParam("topic", "image.jobs").post("/test/notes").then().statusCode(200);
                // (the application's relay may take a row on its one startup tick: it draws from the same turn)
                replicas.get(i / 2).relayOnce();
            }
            Map<Integer, Integer> perPartition = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int seen = 0;
            while (seen < 8 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value().contains(run)) {
                        perPartition.merge(r.partition(), 1, Integer::sum);
                        seen++;
                    }
                }
            }
            assertEquals(8, seen, "every row reached Kafka");
            assertEquals(8, perPartition.size(), "one row on each partition: " + perPartition);
        }
    }
}
