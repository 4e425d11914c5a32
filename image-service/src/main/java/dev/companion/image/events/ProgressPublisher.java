package dev.companion.image.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.events.EventEnvelope;
import dev.companion.common.events.Topics;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;

/**
 * {@code image.progress} goes straight to Kafka (same envelope and key as outbox events): it is
 * ephemeral, and losing one only makes a progress bar skip a step.
 */
@ApplicationScoped
public class ProgressPublisher {

    private static final Logger LOG = Logger.getLogger(ProgressPublisher.class);

    private final ObjectMapper mapper;
    private final String bootstrap;
    private volatile KafkaProducer<String, String> producer;

    public ProgressPublisher(ObjectMapper mapper, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.mapper = mapper;
        this.bootstrap = bootstrap;
    }

    public void publish(String userId, String requestId, ImageEvents.Progress progress) {
        EventEnvelope envelope = EventEnvelope.create(ImageEvents.PROGRESS, userId, requestId, mapper.valueToTree(progress));
        try {
            ProducerRecord<String, String> record = new ProducerRecord<>(Topics.IMAGE_EVENTS, progress.generationId(),
                    mapper.writeValueAsString(envelope));
            record.headers().add(new RecordHeader("ce_id", envelope.id().getBytes(StandardCharsets.UTF_8)));
            record.headers().add(new RecordHeader("ce_type", envelope.type().getBytes(StandardCharsets.UTF_8)));
            producer().send(record, (meta, error) -> {
                if (error != null) {
                    LOG.debugf("progress event dropped: %s", error.getMessage());
                }
            });
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.debugf("progress event dropped: %s", e.getMessage());
        }
    }

    private KafkaProducer<String, String> producer() {
        KafkaProducer<String, String> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    Properties props = new Properties();
                    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
                    props.put(ProducerConfig.ACKS_CONFIG, "1");
                    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
                    props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
                    props.put(ProducerConfig.CLIENT_ID_CONFIG, "image-progress");
                    producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
                }
                p = producer;
            }
        }
        return p;
    }

    void onStop(@Observes ShutdownEvent event) {
        KafkaProducer<String, String> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(2));
        }
    }
}
