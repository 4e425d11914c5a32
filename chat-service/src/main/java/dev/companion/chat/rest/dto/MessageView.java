package dev.companion.chat.rest.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** A message as the API shows it: the seed's id, role, content, timestamp, plus its place in the tree and its state. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MessageView(String id, String chatId, String role, String content, String timestamp, String status,
                          String parentId, String model, UsageView usage, ErrorView error, JsonNode attachments,
                          JsonNode metadata, String batchId, String answerId) {

    public record UsageView(int promptTokens, int completionTokens, int totalTokens) {
    }

    public record ErrorView(String code, String message) {
    }
}
