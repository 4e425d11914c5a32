package dev.companion.chat.rest.dto;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * A share link. The owner's views ({@code POST /v1/chats/{id}/share}, {@code GET /v1/shares}) carry
 * {@code chatId}; the public view ({@code GET /v1/share/{shareId}}) carries the snapshot's
 * {@code messages} and nothing that points back at the owner.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShareView(String shareId, String url, String chatId, String title, String model, int messageCount, String createdAt,
                        List<SharedMessage> messages) {

    /** One message of the snapshot, as it was when shared. */
    public record SharedMessage(String id, String role, String content, String model, String timestamp) {
    }
}
