package dev.companion.chat.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.events.EventEnvelope;
import dev.companion.common.outbox.EventProducer;
import dev.companion.common.events.Topics;
import dev.companion.common.web.Traces;
import dev.companion.events.MessageChunk;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Sends {@code message.chunk} straight to chat.stream (high rate, ephemeral: no outbox), in the same
 * envelope and with the same key (chatId) as the outbox events on chat.events. Only the gateways read
 * chat.stream. The caller waits for the last chunk's acknowledgement before it writes the completion,
 * and the gateway holds a completion until it has delivered the text before it (UserEventFanOut).
 */
@ApplicationScoped
public class ChunkPublisher {

    private final ObjectMapper mapper;
    private final EventProducer eventProducer;

    public ChunkPublisher(ObjectMapper mapper, EventProducer eventProducer) {
        this.mapper = mapper;
        this.eventProducer = eventProducer;
    }

    /** Sends one chunk; the Uni completes when Kafka acknowledged it. */
    public Uni<Void> send(String userId, String requestId, MessageChunk chunk) {
        EventEnvelope envelope = EventEnvelope.create(chunk.type(), userId, requestId, mapper.valueToTree(chunk));
        String value;
        try {
            value = mapper.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        ProducerRecord<String, String> record = new ProducerRecord<>(chunk.topic(), chunk.key(), value);
        record.headers().add(new RecordHeader("ce_id", envelope.id().getBytes(StandardCharsets.UTF_8)));
        record.headers().add(new RecordHeader("ce_type", envelope.type().getBytes(StandardCharsets.UTF_8)));
        // the answer's trace (#20) continues at the gateway's socket fan-out; nothing while tracing is off
        String traceparent = Traces.currentTraceparent();
        if (traceparent != null) {
            record.headers().add(new RecordHeader(Traces.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8)));
        }
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            producer().send(record, (meta, error) -> {
                if (error != null) {
                    acked.completeExceptionally(error);
                } else {
                    acked.complete(null);
                }
            });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return Uni.createFrom().completionStage(acked);
    }

    private KafkaProducer<String, String> producer() {
        return eventProducer.producer();
    }

    /** Fetches the topic's metadata once at start, so the first chunk does not wait for it on an event loop. */
    void onStart(@Observes io.quarkus.runtime.StartupEvent event) {
        io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool().execute(() -> {
            try {
                producer().partitionsFor(Topics.CHAT_STREAM);
            } catch (RuntimeException e) {
                // Kafka not reachable yet: the first send will fetch the metadata
            }
        });
    }

}
