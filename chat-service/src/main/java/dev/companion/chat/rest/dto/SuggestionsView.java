package dev.companion.chat.rest.dto;

import java.util.List;

/** Follow-up prompts the user might send next (seed 001 autocompletions), from the chat's model. */
public record SuggestionsView(String chatId, String model, List<String> suggestions) {
}
