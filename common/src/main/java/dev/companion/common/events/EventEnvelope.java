package dev.companion.common.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.common.api.ErrorResponse;
import dev.companion.common.id.Ids;
import dev.companion.events.TypedPayload;

import java.time.Instant;

/**
 * Every event on every topic: {@code {"id","type","occurredAt","userId","requestId","data":{…}}}.
 * {@code id} is unique so consumers can de-duplicate; {@code data} is the payload in the seed's shape,
 * decoded into its typed record with {@link EventReader#decode}.
 */
public record EventEnvelope(String id, String type, String occurredAt, String userId, String requestId, JsonNode data) implements TypedPayload {

    public static EventEnvelope create(String type, String userId, String requestId, JsonNode data) {
        return new EventEnvelope(Ids.newId("evt"), type, ErrorResponse.Timestamps.format(Instant.now()), userId, requestId, data);
    }
}
