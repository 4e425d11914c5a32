package dev.companion.chat.rest.dto;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** A batch and each prompt's outcome so far. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchView(String batchId, String chatId, String mode, String status, boolean continueOnError, long timeout,
                        List<Item> items, List<MessageView> messages, String createdAt, String completedAt) {

    /** One prompt: its user message, its answer, and how it ended ({@code pending}, {@code running}, {@code complete}, {@code error}, {@code cancelled}, {@code skipped}). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Item(int index, String content, String promptMessageId, String messageId, String status, MessageView.ErrorView error) {

        public Item withMessages(dev.companion.chat.service.MessageService.Turn turn, String newStatus) {
            return new Item(index, turn.prompt().content, turn.prompt().id, turn.answer().id, newStatus, null);
        }
    }
}
