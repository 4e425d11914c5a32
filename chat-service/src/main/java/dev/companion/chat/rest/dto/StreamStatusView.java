package dev.companion.chat.rest.dto;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Whether an answer is streaming in the chat (seed 001 stream_status), which one, the content so far and
 * the index of the last chunk in it: a client that reconnects shows {@code content} and keeps only chunks
 * with a higher index.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StreamStatusView(boolean streaming, String chatId, String messageId, String model, String startedAt,
                               String content, Integer lastIndex) {
}
