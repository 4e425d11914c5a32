package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code message.error} (seed): the answer failed, was cancelled or was interrupted; {@code code} is lower case (e.g. {@code cancelled}). */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record MessageError(String chatId, String messageId, ErrorInfo error) implements ChatEvent {

    public static final String TYPE = "message.error";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String key() {
        return chatId;
    }
}
