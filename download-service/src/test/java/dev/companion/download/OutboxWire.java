package dev.companion.download;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.events.EventEnvelope;
import dev.companion.common.outbox.ProcessedEvent;
import dev.companion.download.repository.BlockingDb;
import dev.companion.events.CompanionEvent;
import dev.companion.events.EventTypes;
import io.quarkus.hibernate.reactive.panache.Panache;

/**
 * Writes a typed event as the other services' {@code Outbox.publish(event, userId)} and relay put it on
 * Kafka: the envelope JSON with the record as {@code data}, on the record's topic, under its key.
 */
final class OutboxWire {

    private OutboxWire() {
    }

    /** The record value the outbox stores and the relay sends (what {@code Outbox.publish} serialises). */
    static String value(ObjectMapper mapper, CompanionEvent event, String userId) {
        EventEnvelope envelope = EventEnvelope.create(event.type(), userId, "req_contract", mapper.valueToTree(event));
        try {
            return mapper.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What a consumer of this service's own events decodes from a record value it wrote: the typed record of
     * the envelope's type, which must be {@code type} and keep the contract (no required field null).
     */
    static <E extends CompanionEvent> E decode(ObjectMapper mapper, String value, Class<E> type) {
        EventEnvelope envelope;
        try {
            envelope = mapper.readValue(value, EventEnvelope.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        CompanionEvent event = EventTypes.decode(mapper, envelope).orElseThrow(
                () -> new AssertionError("not a type of the contract: " + envelope.type()));
        if (!type.isInstance(event)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + envelope.type());
        }
        java.util.List<String> nulls = EventTypes.nullRequiredFields((Record) event);
        if (!nulls.isEmpty()) {
            throw new AssertionError(envelope.type() + " leaves required fields null: " + nulls);
        }
        return type.cast(event);
    }

    /** The envelope id of a record value written by {@link #value}. */
    static String eventId(ObjectMapper mapper, String value) {
        try {
            return mapper.readTree(value).path("id").asText();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code consumer} (e.g. {@code download-service.projects}) has recorded the event as applied. */
    static boolean processed(BlockingDb db, String consumer, String eventId) {
        return db.read(() -> Panache.getSession().flatMap(s -> s.find(ProcessedEvent.class,
                new ProcessedEvent.Key(consumer, eventId)))) != null;
    }

    /** Publishes {@code event} where its producer's relay would; returns the record value sent. */
    static String publish(ObjectMapper mapper, CompanionEvent event, String userId) {
        String value = value(mapper, event, userId);
        TestData.send(event.topic(), event.keyFor(userId), value);
        return value;
    }
}
