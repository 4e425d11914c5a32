package dev.companion.gateway;

import dev.companion.gateway.support.UpstreamStandIns;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With tracing on (#20): the gateway's server span carries the request id and the service receives the
 * gateway's trace context in {@code traceparent}; each event handed to the sockets gets a span in the trace
 * of the record's {@code traceparent}, linked to the producer's span.
 */
@QuarkusTest
@TestProfile(GatewayTraceTest.TracingOn.class)
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "redis", value = "true"))
@QuarkusTestResource(UpstreamStandIns.class)
class GatewayTraceTest {

    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false",
                    "quarkus.otel.exporter.otlp.enabled", "false",
                    "quarkus.otel.bsp.schedule.delay", "50ms");
        }
    }

    @Inject
    InMemorySpanExporter spans;

    @Test
    void theServiceContinuesTheGatewaysTraceAndTheServerSpanCarriesTheRequestId() {
        String token = TestTokens.forUser("user_tracetest0000000000000");
        Response r = given().header("Authorization", "Bearer " + token).header("X-Request-Id", "req_gateway_trace_1")
                .when().get("/v1/chats");
        r.then().statusCode(200);
        String forwarded = r.jsonPath().getString("headers.traceparent");
        assertNotNull(forwarded, "the service got a traceparent");

        SpanData server = await().atMost(Duration.ofSeconds(10)).until(() -> find(s -> s.getKind() == SpanKind.SERVER
                && "req_gateway_trace_1".equals(s.getAttributes().get(AttributeKey.stringKey("companion.request_id")))),
                Optional::isPresent).orElseThrow();
        String[] parts = forwarded.split("-");
        assertEquals(server.getTraceId(), parts[1], "the forwarded context is in the gateway span's trace");
        // its parent is the gateway's server span or a client span inside it
        assertTrue(find(s -> s.getSpanId().equals(parts[2]) && s.getTraceId().equals(server.getTraceId())).isPresent(),
                "the forwarded parent is one of the gateway's own spans");
    }

    @Test
    void anEventHandedToTheSocketsGetsASpanInTheProducersTrace() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String producerSpan = "00f067aa0ba902b7";
        Properties p = new Properties();
        p.put("bootstrap.servers", ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            // the fan-out joins at the latest offset: send until one record arrives after it joined
            SpanData delivered = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                ProducerRecord<String, String> record = new ProducerRecord<>("chat.events", "user_tracefanout00000000000",
                        "{\"id\":\"evt_trace\",\"type\":\"message.chunk\",\"userId\":\"user_tracefanout00000000000\",\"data\":{\"delta\":\"x\"}}");
                record.headers().add(new RecordHeader("traceparent",
                        ("00-" + traceId + "-" + producerSpan + "-01").getBytes(StandardCharsets.UTF_8)));
                producer.send(record).get();
                return find(s -> "socket deliver".equals(s.getName()));
            }, Optional::isPresent).orElseThrow();
            assertEquals(traceId, delivered.getTraceId());
            assertEquals("message.chunk", delivered.getAttributes().get(AttributeKey.stringKey("companion.event_type")));
            assertTrue(delivered.getLinks().stream().anyMatch(l -> l.getSpanContext().getSpanId().equals(producerSpan)),
                    "linked to the producer's span");
        }
    }

    private Optional<SpanData> find(Predicate<SpanData> wanted) {
        return spans.getFinishedSpanItems().stream().filter(wanted).findFirst();
    }
}
