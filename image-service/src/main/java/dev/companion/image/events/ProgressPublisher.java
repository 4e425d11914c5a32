package dev.companion.image.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.events.EventEnvelope;
import dev.companion.common.outbox.EventProducer;
import dev.companion.events.ImageProgress;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;

/**
 * {@code image.progress} goes straight to Kafka (same envelope, topic and key as outbox events, built from
 * the typed {@link ImageProgress}): it is ephemeral, and losing one only makes a progress bar skip a step.
 */
@ApplicationScoped
public class ProgressPublisher {

    private static final Logger LOG = Logger.getLogger(ProgressPublisher.class);

    private final ObjectMapper mapper;
    private final EventProducer eventProducer;

    public ProgressPublisher(ObjectMapper mapper, EventProducer eventProducer) {
        this.mapper = mapper;
        this.eventProducer = eventProducer;
    }

    public void publish(String userId, String requestId, ImageProgress progress) {
        EventEnvelope envelope = EventEnvelope.create(progress.type(), userId, requestId, mapper.valueToTree(progress));
        try {
            ProducerRecord<String, String> record = new ProducerRecord<>(progress.topic(), progress.key(),
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
        return eventProducer.producer();
    }

}
