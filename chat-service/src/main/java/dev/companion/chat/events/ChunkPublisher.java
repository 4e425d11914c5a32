package dev.companion.chat.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.chat.events.ChatEventPayloads.MessageChunk;
import dev.companion.common.events.EventEnvelope;
import dev.companion.common.events.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

/**
 * Sends {@code message.chunk} straight to chat.events (high rate, ephemeral: no outbox), in the same
 * envelope and with the same key (chatId) as the outbox events, so a chat's chunks and its
 * {@code message.complete} share one partition and keep their order. The caller waits for the last
 * chunk's acknowledgement before it writes the completion.
 */
@ApplicationScoped
public class ChunkPublisher {

    private final ObjectMapper mapper;
    private final String bootstrapServers;
    private volatile KafkaProducer<String, String> producer;

    public ChunkPublisher(ObjectMapper mapper, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.mapper = mapper;
        this.bootstrapServers = bootstrapServers;
    }

    /** Sends one chunk; the Uni completes when Kafka acknowledged it. */
    public Uni<Void> send(String userId, String requestId, MessageChunk chunk) {
        EventEnvelope envelope = EventEnvelope.create("message.chunk", userId, requestId, mapper.valueToTree(chunk));
        String value;
        try {
            value = mapper.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.CHAT_EVENTS, chunk.chatId(), value);
        record.headers().add(new RecordHeader("ce_id", envelope.id().getBytes(StandardCharsets.UTF_8)));
        record.headers().add(new RecordHeader("ce_type", envelope.type().getBytes(StandardCharsets.UTF_8)));
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
        KafkaProducer<String, String> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    Properties props = new Properties();
                    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
                    props.put(ProducerConfig.ACKS_CONFIG, "all");
                    // idempotence keeps the order of a chat's chunks even when a send is retried
                    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
                    props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
                    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
                    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
                    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
                    props.put(ProducerConfig.CLIENT_ID_CONFIG, "chat-service-chunks");
                    producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
                }
                p = producer;
            }
        }
        return p;
    }

    /** Fetches the topic's metadata once at start, so the first chunk does not wait for it on an event loop. */
    void onStart(@Observes io.quarkus.runtime.StartupEvent event) {
        io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool().execute(() -> {
            try {
                producer().partitionsFor(Topics.CHAT_EVENTS);
            } catch (RuntimeException e) {
                // Kafka not reachable yet: the first send will fetch the metadata
            }
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        KafkaProducer<String, String> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(2));
        }
    }
}
