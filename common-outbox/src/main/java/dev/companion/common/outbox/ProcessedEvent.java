package dev.companion.common.outbox;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;

/** An event a consumer has applied; the table behind {@link ProcessedEvents}. */
@Entity
@Table(name = "processed_event")
@IdClass(ProcessedEvent.Key.class)
public class ProcessedEvent {

    @Id
    public String consumer;

    @Id
    @Column(name = "event_id")
    public String eventId;

    @Column(name = "processed_at")
    public Instant processedAt;

    /** Composite primary key. */
    public record Key(String consumer, String eventId) implements Serializable {
        public Key() {
            this(null, null);
        }
    }
}
