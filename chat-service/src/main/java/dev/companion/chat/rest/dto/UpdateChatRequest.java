package dev.companion.chat.rest.dto;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;

/** Body of {@code PUT /chats/{chatId}}: only the fields sent change. */
public record UpdateChatRequest(
        @Size(min = 1, max = 200) String name,
        @Size(min = 1, max = 100) String model,
        @Valid SettingsBody settings,
        @Size(max = 20000) String systemMessage,
        Boolean archived,
        Boolean starred) {
}
