package dev.companion.chat.rest.dto;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import java.util.List;

/**
 * Body of {@code POST /chats/{chatId}/messages}. {@code parentId} (optional) answers from an earlier
 * point of the conversation; by default the prompt continues the chat's current branch.
 */
public record SendMessageRequest(
        @NotBlank @Size(max = 100000) String content,
        @Size(max = 10) List<JsonNode> attachments,
        @Valid MessageMetadata metadata,
        @Size(max = 40) String parentId) {
}
