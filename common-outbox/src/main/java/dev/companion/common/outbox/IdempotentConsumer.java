package dev.companion.common.outbox;

import dev.companion.common.events.EventEnvelope;
import dev.companion.common.events.EventReader;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one way a service applies events from Kafka. Each event is applied once per consumer: its id is
 * recorded in {@code processed_event} in the same transaction as the change, so a redelivery changes
 * nothing. A failure is retried with one policy (exponential back-off, {@code companion.consumer.retries}
 * attempts); a record that still fails, or can never succeed (not an envelope, unreadable payload:
 * {@link PoisonEventException}, {@link IllegalArgumentException}), fails the message, and the channel's
 * {@code failure-strategy=dead-letter-queue} sends it to the consumer group's dead-letter topic
 * ({@code <group>.dlt}, with the cause in headers) and goes on with the next record. No channel stops,
 * no event is silently dropped.
 */
@ApplicationScoped
public class IdempotentConsumer {

    private static final Logger LOG = Logger.getLogger(IdempotentConsumer.class);

    private final EventReader reader;
    private final ProcessedEvents processed;
    private final int retries;
    private final Duration firstBackOff;

    public IdempotentConsumer(EventReader reader, ProcessedEvents processed,
                              @ConfigProperty(name = "companion.consumer.retries", defaultValue = "4") int retries,
                              @ConfigProperty(name = "companion.consumer.first-back-off", defaultValue = "200ms") Duration firstBackOff) {
        this.reader = reader;
        this.processed = processed;
        this.retries = retries;
        this.firstBackOff = firstBackOff;
    }

    /**
     * Applies {@code value} (a Kafka record value) once for {@code consumer} (a stable name such as
     * {@code chat-service.project-events}): {@code apply} runs inside the transaction.
     */
    public Uni<Void> consume(String consumer, String value, Function<EventEnvelope, Uni<Void>> apply) {
        return consume(consumer, value, type -> true, apply);
    }

    /**
     * As {@link #consume(String, String, Function)}, for the event types {@code wanted} accepts; other
     * types on the topic (chunks, progress) are passed over without a transaction or a processed row.
     */
    public Uni<Void> consume(String consumer, String value, Predicate<String> wanted, Function<EventEnvelope, Uni<Void>> apply) {
        EventEnvelope event = reader.read(value);
        if (event == null) {
            LOG.warnf("%s: a record that is not an event envelope goes to the dead-letter topic", consumer);
            return Uni.createFrom().failure(new PoisonEventException("not an event envelope"));
        }
        if (!wanted.test(event.type())) {
            return Uni.createFrom().voidItem();
        }
        return Panache.withTransaction(() -> processed.firstDelivery(consumer, event.id())
                        .flatMap(first -> first ? apply.apply(event) : Uni.createFrom().voidItem()))
                .onFailure(IdempotentConsumer::retriable).retry().withBackOff(firstBackOff, firstBackOff.multipliedBy(10)).atMost(retries)
                .onFailure().invoke(e -> LOG.errorf(e, "%s: event %s (%s) could not be applied; it goes to the dead-letter topic",
                        consumer, event.id(), event.type()));
    }

    static boolean retriable(Throwable t) {
        return !(t instanceof PoisonEventException) && !(t instanceof IllegalArgumentException);
    }

    /** An event that can never be applied (malformed): no retry, straight to the dead-letter topic. */
    public static class PoisonEventException extends RuntimeException {
        public PoisonEventException(String message) {
            super(message, null, false, false);
        }
    }
}
