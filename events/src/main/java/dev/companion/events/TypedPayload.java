package dev.companion.events;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What {@link EventTypes#decode(com.fasterxml.jackson.databind.ObjectMapper, TypedPayload)} needs of an
 * envelope: its type and its {@code data}. {@code dev.companion.common.events.EventEnvelope} already has
 * both accessors, so it can implement this interface without any other change.
 */
public interface TypedPayload {

    String type();

    JsonNode data();
}
