package dev.companion.chat.rest.dto;

import jakarta.validation.constraints.Size;

/** Body of {@code POST /v1/chats/{chatId}/share} (optional): the title the link shows; default the chat's name. */
public record CreateShareRequest(@Size(min = 1, max = 200) String title) {
}
