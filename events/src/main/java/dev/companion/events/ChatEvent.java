package dev.companion.events;

/**
 * Events on {@code chat.events} (chat-service), keyed by chatId so a chat's chunks, completion and state
 * changes share one partition and keep their order. {@code message.chunk} goes straight to Kafka (no outbox).
 */
public sealed interface ChatEvent extends CompanionEvent
        permits ChatSnapshot, ChatDeleted, MessageCreated, MessageChunk, MessageComplete, MessageError, BatchComplete {

    @Override
    default String topic() {
        return EventTopics.CHAT_EVENTS;
    }
}
