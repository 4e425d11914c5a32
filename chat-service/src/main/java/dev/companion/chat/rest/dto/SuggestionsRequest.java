package dev.companion.chat.rest.dto;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/** Body of {@code POST /v1/chats/{chatId}/suggestions}: how many follow-ups (1..5, default 3). */
public record SuggestionsRequest(@Min(1) @Max(5) Integer numSuggestions) {
}
