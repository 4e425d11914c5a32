package dev.companion.chat.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** The {@code data} of every event chat-service publishes on chat.events (DEVELOPING.md "Events", seed shapes). */
public final class ChatEventPayloads {

    private ChatEventPayloads() {
    }

    public record ChatState(String id, String projectId, String userId, String name, String model, boolean archived,
                            boolean starred, int messageCount, String createdAt, String updatedAt) {
    }

    public record ChatDeleted(String id, String projectId, String userId) {
    }

    public record MessageCreated(String chatId, String projectId, String messageId, String role, String createdAt) {
    }

    public record MessageChunk(String chatId, String messageId, String content, int index) {
    }

    public record Usage(int promptTokens, int completionTokens, int totalTokens) {
    }

    public record MessageComplete(String chatId, String messageId, String fullContent, Usage usage) {
    }

    public record ErrorBody(String code, String message) {
    }

    public record MessageError(String chatId, String messageId, ErrorBody error) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record BatchItemOutcome(int index, String messageId, String status, ErrorBody error) {
    }

    public record BatchComplete(String chatId, String batchId, String mode, List<BatchItemOutcome> items) {
    }
}
