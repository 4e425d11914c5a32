package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code message.complete} (seed): the answer is finished; sent after its last chunk was acknowledged. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record MessageComplete(String chatId, String messageId, String fullContent, TokenUsage usage) implements ChatEvent {

    public static final String TYPE = "message.complete";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String key() {
        return chatId;
    }
}
