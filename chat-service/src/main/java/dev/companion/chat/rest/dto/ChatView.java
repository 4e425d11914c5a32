package dev.companion.chat.rest.dto;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.companion.chat.model.ChatSettings;

/**
 * A chat as the API shows it. {@code isArchived}/{@code isStarred} repeat {@code archived}/{@code starred}
 * under seed 001's names; {@code lastActivityAt} is when its newest message was written (the list order).
 */
public record ChatView(String id, String projectId, String name, String model, ChatSettings settings, String systemMessage,
                       int messageCount, boolean archived, boolean starred, String currentMessageId, String createdAt,
                       String updatedAt, @JsonProperty("isArchived") boolean archivedFlag, @JsonProperty("isStarred") boolean starredFlag,
                       String lastActivityAt) {
}
