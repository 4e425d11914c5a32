package dev.companion.common.outbox;


import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import org.hibernate.reactive.common.AffectedEntities;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Consumer-side de-duplication: remembers which event ids a consumer has applied. Call
 * {@link #firstDelivery} inside the consumer's transaction and apply the event only when it is true;
 * a replayed or redelivered event then changes nothing.
 */
@ApplicationScoped
public class ProcessedEvents {

    public Uni<Boolean> firstDelivery(String consumer, String eventId) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                        "INSERT INTO processed_event (consumer, event_id, processed_at) VALUES (?1, ?2, now()) "
                                + "ON CONFLICT DO NOTHING",
                        // naming the table keeps Hibernate from scheduling a clean-up of every cached entity
                        new AffectedEntities(ProcessedEvent.class))
                .setParameter(1, consumer)
                .setParameter(2, eventId)
                .executeUpdate())
                .map(count -> count == 1);
    }
}
