package dev.companion.common.outbox;

import dev.companion.common.events.EventEnvelope;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.web.RequestIds;
import dev.companion.common.web.Traces;
import dev.companion.events.CompanionEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/**
 * The write side of the transactional outbox. Call {@link #publish} inside the same reactive
 * transaction ({@code @WithTransaction}) as the state change; {@link OutboxRelay} sends it later.
 */
@ApplicationScoped
public class Outbox {

    private final ObjectMapper mapper;

    public Outbox(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Records a typed event on its own topic, with its own type and key ({@link CompanionEvent#keyFor}). */
    public Uni<EventEnvelope> publish(CompanionEvent event, String userId) {
        return publish(event.topic(), event.keyFor(userId), event.type(), userId, event);
    }

    /** Records an event; {@code payload} is any object Jackson can write (a record, a map, a JsonNode). */
    public Uni<EventEnvelope> publish(String topic, String key, String type, String userId, Object payload) {
        JsonNode data = mapper.valueToTree(payload);
        EventEnvelope envelope = EventEnvelope.create(type, userId, RequestIds.current(), data);
        OutboxEvent row = new OutboxEvent();
        row.eventId = envelope.id();
        row.topic = topic;
        row.eventKey = key;
        row.eventType = type;
        row.createdAt = Instant.now();
        row.traceparent = Traces.currentTraceparent();
        try {
            row.payload = mapper.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        // the row's insert trigger NOTIFYs the relay at commit (OutboxRelay)
        return row.persist().replaceWith(envelope);
    }
}
