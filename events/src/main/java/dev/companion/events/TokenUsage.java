package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** The seed's {@code usage} of a completed answer; {@code totalTokens} = prompt + completion. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TokenUsage(int promptTokens, int completionTokens, int totalTokens) {
}
