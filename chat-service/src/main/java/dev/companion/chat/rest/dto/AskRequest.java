package dev.companion.chat.rest.dto;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /v1/ask} (seed 004's {@code /api/ask}): the prompt, and optionally the chat and the
 * message it continues from; {@code model} chooses the model of a new chat (with {@code chatId}, the chat's own).
 */
public record AskRequest(
        @NotBlank @Size(max = 100000) String content,
        @Size(min = 1, max = 40) String chatId,
        @Size(min = 1, max = 40) String parentId,
        @Size(min = 1, max = 100) String model) {
}
