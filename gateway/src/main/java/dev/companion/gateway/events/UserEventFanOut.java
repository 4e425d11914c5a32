package dev.companion.gateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.companion.common.events.EventEnvelope;
import dev.companion.common.events.EventReader;
import dev.companion.common.web.Traces;
import dev.companion.gateway.ws.SocketRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Consumes {@code chat.events}, {@code image.events} and {@code download.events} (a consumer group
 * of its own per replica, from the latest offset) and hands each event to the sockets of its user
 * as {@code {"type": type, …data}}. Queuing only: a slow socket never slows this consumer. Each
 * event gets a {@code socket deliver} span in the trace of the request that caused it.
 */
@ApplicationScoped
public class UserEventFanOut {

    private static final Logger LOG = Logger.getLogger(UserEventFanOut.class);

    private final EventReader reader;
    private final SocketRegistry sockets;
    private final ObjectMapper mapper;
    private final Tracer tracer;

    public UserEventFanOut(EventReader reader, SocketRegistry sockets, ObjectMapper mapper, OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("companion-gateway");
        this.reader = reader;
        this.sockets = sockets;
        this.mapper = mapper;
    }

    @Incoming("chat-events")
    @Incoming("image-events")
    @Incoming("download-events")
    public void onEvent(ConsumerRecord<String, String> record) {
        Span span = deliverySpan(record);
        try (Scope scope = span.makeCurrent()) {
            onEvent(record.value(), span);
        } finally {
            span.end();
        }
    }

    void onEvent(String value, Span span) {
        try {
            EventEnvelope event = reader.read(value);
            if (event == null || event.userId() == null) {
                return;
            }
            span.setAttribute("companion.event_type", event.type());
            span.setAttribute("messaging.message.id", event.id());
            int sockets = this.sockets.deliver(event.userId(), toClientMessage(event).toString());
            span.setAttribute("companion.sockets", sockets);
        } catch (RuntimeException e) {
            // one bad record must not stop the live stream of everyone else
            LOG.warnf("event not delivered: %s", e.toString());
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
        }
    }

    /**
     * One span per delivered event (#20), linked to the span that sent the record (the outbox relay's, from
     * its {@code traceparent} header) and inside the same trace; a no-op span while tracing is off.
     */
    private Span deliverySpan(ConsumerRecord<String, String> record) {
        Header header = record.headers().lastHeader(Traces.TRACEPARENT);
        Context producer = header == null ? Context.root()
                : Traces.fromTraceparent(new String(header.value(), StandardCharsets.UTF_8));
        SpanContext producerSpan = Span.fromContext(producer).getSpanContext();
        // SmallRye's CONSUMER span, when it is current, is already the producer's child; else the producer's
        Context parent = Span.current().getSpanContext().isValid() ? Context.current() : producer;
        SpanBuilder builder = tracer.spanBuilder("socket deliver")
                .setParent(parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute("messaging.destination.name", record.topic());
        if (producerSpan.isValid()) {
            builder.addLink(producerSpan);
        }
        return builder.startSpan();
    }

    /**
     * {@code {"type": type, …data}}. A {@code type} inside the data (the download type of
     * {@code download.ready}) would hide the event type, so it is renamed {@code <domain>Type}.
     */
    ObjectNode toClientMessage(EventEnvelope event) {
        ObjectNode out = mapper.createObjectNode();
        out.put("type", event.type());
        JsonNode data = event.data();
        if (data != null && data.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = data.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                if ("type".equals(f.getKey())) {
                    int dot = event.type().indexOf('.');
                    out.set((dot > 0 ? event.type().substring(0, dot) : "data") + "Type", f.getValue());
                } else {
                    out.set(f.getKey(), f.getValue());
                }
            }
        }
        return out;
    }
}
