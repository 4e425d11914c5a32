package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** {@code batch.complete}: every prompt of a batch has an outcome. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record BatchComplete(String chatId, String batchId, String mode, List<BatchItemOutcome> items) implements ChatEvent {

    public static final String TYPE = "batch.complete";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String key() {
        return chatId;
    }
}
