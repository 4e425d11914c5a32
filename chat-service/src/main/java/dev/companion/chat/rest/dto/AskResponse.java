package dev.companion.chat.rest.dto;

/**
 * The complete answer of {@code POST /v1/ask}: {@code id} the prompt, {@code responseId} the answer (the
 * {@code parentId} of a follow-up), {@code chatId}, the answer's {@code content} and {@code error} (empty
 * when it completed; else {@code code: message}, with the content streamed until then).
 */
public record AskResponse(String id, String responseId, String chatId, String content, String error) {
}
