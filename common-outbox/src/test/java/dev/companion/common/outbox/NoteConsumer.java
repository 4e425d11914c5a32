package dev.companion.common.outbox;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** A consumer as every service writes one, on {@link IdempotentConsumer}; a note with {@code poison} always fails. */
@ApplicationScoped
public class NoteConsumer {

    private final IdempotentConsumer consumer;

    public NoteConsumer(IdempotentConsumer consumer) {
        this.consumer = consumer;
    }

    @Incoming("outbox-test")
    public Uni<Void> consume(String value) {
        return consumer.consume("outbox-test.notes", value, event -> {
            if (event.data().path("poison").asBoolean(false)) {
                return Uni.createFrom().failure(new IllegalStateException("this note can never be applied"));
            }
            return Panache.getSession()
                    .flatMap(s -> s.createNativeQuery("INSERT INTO note_seen (note_id, event_id) VALUES (?1, ?2)")
                            .setParameter(1, event.data().path("id").asText())
                            .setParameter(2, event.id())
                            .executeUpdate())
                    .replaceWithVoid();
        });
    }
}
