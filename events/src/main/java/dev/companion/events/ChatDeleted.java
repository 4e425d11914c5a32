package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code chat.deleted}: the chat and its messages are gone; read models and chat-scope instruction sets follow. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ChatDeleted(String id, String projectId, String userId) implements ChatEvent {

    public static final String TYPE = "chat.deleted";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String key() {
        return id;
    }
}
