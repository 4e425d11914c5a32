package dev.companion.chat.rest.dto;

import dev.companion.chat.model.ChatSettings;

/** A chat as the API shows it. */
public record ChatView(String id, String projectId, String name, String model, ChatSettings settings, String systemMessage,
                       int messageCount, boolean archived, boolean starred, String currentMessageId, String createdAt,
                       String updatedAt) {
}
