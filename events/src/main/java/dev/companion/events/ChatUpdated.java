package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code chat.updated}: a changed chat (rename, archive, star, a new message counted), in its full state. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ChatUpdated(String id, String projectId, String userId, String name, String model, boolean archived,
                 boolean starred, int messageCount, String createdAt, String updatedAt) implements ChatSnapshot {

    public static final String TYPE = "chat.updated";

    @Override
    public String type() {
        return TYPE;
    }
}
