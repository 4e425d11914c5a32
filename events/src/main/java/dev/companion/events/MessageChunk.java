package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code message.chunk} (seed): one piece of a streamed answer; {@code index} counts from 0 per message. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record MessageChunk(String chatId, String messageId, String content, int index) implements ChatEvent {

    public static final String TYPE = "message.chunk";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String key() {
        return chatId;
    }

    /** Not on chat.events: see {@link ChatEvent}. */
    @Override
    public String topic() {
        return EventTopics.CHAT_STREAM;
    }
}
