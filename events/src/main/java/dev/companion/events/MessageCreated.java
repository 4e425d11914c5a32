package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code message.created}: a message was stored; {@code role} is {@code user} or {@code assistant}. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record MessageCreated(String chatId, String projectId, String messageId, String role, String createdAt) implements ChatEvent {

    public static final String TYPE = "message.created";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String key() {
        return chatId;
    }
}
