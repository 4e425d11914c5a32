package dev.companion.common.outbox;

import dev.companion.testing.LocalInfraResource;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One trace runs HTTP request → outbox row → relay's Kafka send → consumer (#20): the server span carries
 * the request id, the row keeps the writing span's traceparent, the relay's PRODUCER span continues it and
 * sends it as the record's {@code traceparent} header, and SmallRye's CONSUMER span is the producer's child.
 */
@QuarkusTest
@TestProfile(OutboxTraceTest.TracingOn.class)
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_project"))
class OutboxTraceTest {

    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false");
        }
    }

    @Inject
    InMemorySpanExporter spans;

    @Inject
    Pool pool;

    @Test
    void oneTraceRunsFromTheRequestThroughTheOutboxAndKafkaToTheConsumer() {
        String requestId = "req_trace_" + System.nanoTime();
        String noteId = given().header("X-Request-Id", requestId).queryParam("text", "traced")
                .post("/test/notes").then().statusCode(200).extract().path("data.id");

        await().atMost(Duration.ofSeconds(20)).until(() -> pool.preparedQuery("SELECT 1 FROM note_seen WHERE note_id = $1")
                .execute(Tuple.of(noteId)).await().atMost(Duration.ofSeconds(5)).size() == 1);

        SpanData server = await().atMost(Duration.ofSeconds(10)).until(
                () -> find(s -> s.getKind() == SpanKind.SERVER
                        && requestId.equals(s.getAttributes().get(AttributeKey.stringKey("companion.request_id")))),
                Optional::isPresent).orElseThrow();
        String traceId = server.getTraceId();

        SpanData producer = await().atMost(Duration.ofSeconds(10)).until(
                () -> find(s -> s.getKind() == SpanKind.PRODUCER && s.getTraceId().equals(traceId)), Optional::isPresent).orElseThrow();
        assertEquals("outbox.test publish", producer.getName());
        assertEquals("note.created", producer.getAttributes().get(AttributeKey.stringKey("companion.event_type")));

        SpanData consumer = await().atMost(Duration.ofSeconds(10)).until(
                () -> find(s -> s.getKind() == SpanKind.CONSUMER && s.getTraceId().equals(traceId)), Optional::isPresent).orElseThrow();
        assertEquals(producer.getSpanId(), consumer.getParentSpanId(), "the consumer continues the relay's send");

        String stored = pool.preparedQuery("SELECT traceparent FROM outbox_event WHERE payload LIKE $1")
                .execute(Tuple.of("%" + noteId + "%")).await().atMost(Duration.ofSeconds(5)).iterator().next().getString("traceparent");
        assertNotNull(stored, "the row keeps the writing span's trace context");
        assertTrue(stored.startsWith("00-" + traceId + "-"), stored);
    }

    private Optional<SpanData> find(java.util.function.Predicate<SpanData> wanted) {
        List<SpanData> finished = spans.getFinishedSpanItems();
        return finished.stream().filter(wanted).findFirst();
    }
}
