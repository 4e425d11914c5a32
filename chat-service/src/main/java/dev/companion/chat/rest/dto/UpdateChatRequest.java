package dev.companion.chat.rest.dto;

import com.fasterxml.jackson.annotation.JsonAlias;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;

/** Body of {@code PUT} and {@code PATCH /chats/{chatId}}: only the fields sent change ({@code isArchived}/{@code isStarred} are accepted as seed 001 names). */
public record UpdateChatRequest(
        @Size(min = 1, max = 200) String name,
        @Size(min = 1, max = 100) String model,
        @Valid SettingsBody settings,
        @Size(max = 20000) String systemMessage,
        @JsonAlias("isArchived") Boolean archived,
        @JsonAlias("isStarred") Boolean starred) {
}
