package dev.companion.common.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.events.CompanionEvent;
import dev.companion.events.EventTypes;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/** Parses a Kafka record value into an {@link EventEnvelope}; a value that is not one yields null. */
@ApplicationScoped
public class EventReader {

    private final ObjectMapper mapper;

    public EventReader(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public EventEnvelope read(String value) {
        if (value == null) {
            return null;
        }
        try {
            EventEnvelope e = mapper.readValue(value, EventEnvelope.class);
            return e.id() == null || e.type() == null ? null : e;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    public <T> T data(EventEnvelope event, Class<T> type) {
        try {
            return mapper.treeToValue(event.data(), type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event " + event.id() + " has an unreadable payload", e);
        }
    }

    /**
     * The typed record of {@code event} if its type belongs to {@code family} (e.g. {@code ProjectEvent.class});
     * empty for unknown types and types outside the family.
     *
     * @throws IllegalArgumentException the type is known but its data does not fit the record
     */
    public <E extends CompanionEvent> Optional<E> decode(EventEnvelope event, Class<E> family) {
        return EventTypes.decode(mapper, event.type(), event.data(), family);
    }
}
