package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** One prompt of a batch: {@code messageId} is null for a skipped prompt, {@code error} null unless it failed or was skipped. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record BatchItemOutcome(int index, @Nullable String messageId, String status, @Nullable ErrorInfo error) {
}
