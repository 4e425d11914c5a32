package dev.companion.chat.rest.dto;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

/**
 * Body of {@code POST /chats/{chatId}/messages}. {@code parentId} (optional) answers from an earlier
 * point of the conversation; by default the prompt continues the chat's current branch.
 * Seed 003's client contract: {@code messageId} (client-chosen, idempotent: see {@code ClientSend}) and
 * {@code timeoutMs}, the longest the answer may take (then it ends with error code {@code timeout}).
 */
public record SendMessageRequest(
        @NotBlank @Size(max = 100000) String content,
        @Size(max = 10) List<JsonNode> attachments,
        @Valid MessageMetadata metadata,
        @Size(max = 40) String parentId,
        @Pattern(regexp = "^[A-Za-z0-9][A-Za-z0-9_-]{7,63}$", message = "must be 8 to 64 letters, digits, '-' or '_' (a UUID works)") String messageId,
        @Min(1000) @Max(600000) Long timeoutMs) {

    /** A send made by the service itself (one-call ask, the OpenAI-compatible API): no client id, the default timeout. */
    public SendMessageRequest(String content, List<JsonNode> attachments, MessageMetadata metadata, String parentId) {
        this(content, attachments, metadata, parentId, null, null);
    }
}
