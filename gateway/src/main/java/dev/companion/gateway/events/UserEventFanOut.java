package dev.companion.gateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.companion.common.events.EventEnvelope;
import dev.companion.common.events.EventReader;
import dev.companion.common.events.KafkaClientSecurity;
import dev.companion.common.web.Traces;
import dev.companion.gateway.config.GatewayConfig;
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
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Consumes {@code chat.events}, {@code image.events} and {@code download.events} (a consumer group
 * of its own per replica, from the latest offset) and hands each event to the sockets of its user
 * as {@code {"type": type, …data}}. Queuing only: a slow socket never slows this consumer. Each
 * event gets a {@code socket deliver} span in the trace of the request that caused it.
 *
 * <p>A plain Kafka consumer on a thread of its own, polling all three topics: this is a live relay (no
 * acknowledgement, retry or dead letter per record), and the Reactive Messaging channels it replaces kept
 * up with about 450 records/s here while the broker handed out 1,200 (#14, the chunks of 60 live answers
 * fell seconds behind with the gateway idle). Offsets are committed automatically every second and the
 * join position at once ({@link StartAtJoinPosition}), so a rebalance never skips what was written meanwhile.
 *
 * <p>Chunks come on chat.stream and completions on chat.events: {@link StreamOrder} holds a message's
 * {@code message.complete} until its text before it has gone out (at most {@code gateway.events.max-hold}).
 */
@ApplicationScoped
public class UserEventFanOut {

    private static final Logger LOG = Logger.getLogger(UserEventFanOut.class);

    private final EventReader reader;
    private final SocketRegistry sockets;
    private final ObjectMapper mapper;
    private final Tracer tracer;
    private final MeterRegistry registry;
    private final String bootstrapServers;
    private final String groupId;
    private final List<String> topics;
    private final Counter delivered;
    private final Counter unread;
    private final Counter noSocket;
    private final StreamOrder order;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread thread;

    public UserEventFanOut(EventReader reader, SocketRegistry sockets, ObjectMapper mapper, OpenTelemetry openTelemetry,
                           MeterRegistry registry,
                           @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                           GatewayConfig config) {
        this.tracer = openTelemetry.getTracer("companion-gateway");
        this.reader = reader;
        this.sockets = sockets;
        this.mapper = mapper;
        this.registry = registry;
        this.bootstrapServers = bootstrapServers;
        this.groupId = config.events().groupId();
        this.topics = List.copyOf(config.events().topics());
        this.order = new StreamOrder(config.events().maxHold().toMillis(), Duration.ofMinutes(10).toMillis());
        io.micrometer.core.instrument.Gauge.builder("companion.gateway.streams_tracked", order, StreamOrder::tracked)
                .description("Live answers whose delivered text this replica counts (to keep each completion behind its chunks)")
                .register(registry);
        this.delivered = Counter.builder("companion.gateway.events").tag("outcome", "delivered")
                .description("Events of chat/image/download.events handed to at least one socket").register(registry);
        this.unread = Counter.builder("companion.gateway.events").tag("outcome", "unreadable")
                .description("Records that were not an event envelope").register(registry);
        this.noSocket = Counter.builder("companion.gateway.events").tag("outcome", "no_socket")
                .description("Events whose user had no open socket on this replica").register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        thread = new Thread(this::run, "gateway-event-fan-out");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-fan-out");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
        props.put(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, "1000");
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        KafkaClientSecurity.apply(props);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
             KafkaClientMetrics metrics = new KafkaClientMetrics(c)) {
            metrics.bindTo(registry);
            consumer = c;
            c.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    StartAtJoinPosition.commitJoinPosition(c, partitions);
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // auto-commit commits the revoked partitions' positions before they move
                }
            });
            while (running) {
                ConsumerRecords<String, String> records;
                try {
                    // a held completion is due within max-hold: poll briefly meanwhile
                    records = c.poll(order.holding() ? Duration.ofMillis(20) : Duration.ofSeconds(1));
                } catch (WakeupException e) {
                    break;
                } catch (RuntimeException e) {
                    // Kafka away or a rebalance that failed: the consumer reconnects on the next poll
                    LOG.warnf("polling the user events failed: %s", e.toString());
                    continue;
                }
                for (ConsumerRecord<String, String> record : records) {
                    onEvent(record);
                }
                for (StreamOrder.Held late : order.due(nowMillis())) {
                    LOG.debugf("a completion waited %d ms for text that never came", nowMillis() - late.sinceMillis());
                    deliver(late.userId(), late.clientMessage());
                }
            }
        } catch (RuntimeException e) {
            if (running) {
                LOG.errorf(e, "the socket fan-out stopped");
            }
        }
    }

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
                unread.increment();
                return;
            }
            span.setAttribute("companion.event_type", event.type());
            span.setAttribute("messaging.message.id", event.id());
            String message = toClientMessage(event).toString();
            JsonNode data = event.data();
            if ("message.complete".equals(event.type()) && data != null) {
                StreamOrder.Held completion = new StreamOrder.Held(event.userId(), message, nowMillis());
                if (!order.completeArrived(data.path("messageId").asText(), data.path("fullContent").asText().length(), completion)) {
                    span.setAttribute("companion.held", true); // its last chunks are still on their way
                    return;
                }
            }
            span.setAttribute("companion.sockets", deliver(event.userId(), message));
            if ("message.chunk".equals(event.type()) && data != null) {
                StreamOrder.Held due = order.chunkDelivered(data.path("messageId").asText(), data.path("content").asText().length(), nowMillis());
                if (due != null) {
                    deliver(due.userId(), due.clientMessage());
                }
            }
        } catch (RuntimeException e) {
            // one bad record must not stop the live stream of everyone else
            LOG.warnf("event not delivered: %s", e.toString());
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
        }
    }

    private int deliver(String userId, String message) {
        int sockets = this.sockets.deliver(userId, message);
        if (sockets > 0) {
            delivered.increment();
        } else {
            noSocket.increment();
        }
        return sockets;
    }

    private static long nowMillis() {
        return System.nanoTime() / 1_000_000;
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
        SpanBuilder builder = tracer.spanBuilder("socket deliver")
                .setParent(producer)
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
