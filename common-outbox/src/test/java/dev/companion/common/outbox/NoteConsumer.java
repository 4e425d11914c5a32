package dev.companion.common.outbox;

import dev.companion.common.events.EventEnvelope;
import dev.companion.common.events.EventReader;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** A consumer as every service writes one: de-duplicate by event id, apply in the same transaction. */
@ApplicationScoped
public class NoteConsumer {

    private final EventReader reader;
    private final ProcessedEvents processed;

    public NoteConsumer(EventReader reader, ProcessedEvents processed) {
        this.reader = reader;
        this.processed = processed;
    }

    @Incoming("outbox-test")
    public Uni<Void> consume(String value) {
        EventEnvelope event = reader.read(value);
        if (event == null) {
            return Uni.createFrom().voidItem();
        }
        return Panache.withTransaction(() -> processed.firstDelivery("outbox-test.notes", event.id())
                .flatMap(first -> !first ? Uni.createFrom().voidItem() : Panache.getSession()
                        .flatMap(s -> s.createNativeQuery("INSERT INTO note_seen (note_id, event_id) VALUES (?1, ?2)")
                                .setParameter(1, event.data().path("id").asText())
                                .setParameter(2, event.id())
                                .executeUpdate())
                        .replaceWithVoid()));
    }
}
