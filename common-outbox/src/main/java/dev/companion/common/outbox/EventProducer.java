package dev.companion.common.outbox;

import dev.companion.common.events.KafkaClientSecurity;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Properties;

/**
 * The one Kafka producer of a service: used by the outbox relay and by events that go straight to
 * Kafka (chunks, progress). Idempotent with {@code acks=all}, so a retried send never reorders a key.
 */
@ApplicationScoped
public class EventProducer {

    private final String bootstrapServers;
    private final String clientId;
    private final int maxRequestSize;
    private volatile KafkaProducer<String, String> producer;

    public EventProducer(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                         @ConfigProperty(name = "quarkus.application.name", defaultValue = "companion") String clientId,
                         @ConfigProperty(name = "companion.kafka.max-request-size", defaultValue = "1048576") int maxRequestSize) {
        this.bootstrapServers = bootstrapServers;
        this.clientId = clientId;
        this.maxRequestSize = maxRequestSize;
    }

    /** Created on first use; {@code send} may block up to 5 s while the broker is unknown or down. */
    public KafkaProducer<String, String> producer() {
        KafkaProducer<String, String> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    Properties props = new Properties();
                    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
                    props.put(ProducerConfig.ACKS_CONFIG, "all");
                    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
                    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
                    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
                    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
                    props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
                    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
                    // larger records are refused at send (RecordTooLargeException), never retried
                    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxRequestSize));
                    // SASL/SCRAM (or TLS) as the service's own Kafka user, when deployed with them
                    KafkaClientSecurity.apply(props);
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
