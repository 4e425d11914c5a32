package dev.companion.events;

/**
 * Events of chat-service, keyed by chatId so a chat's completion and state changes share one partition and
 * keep their order. All are on {@code chat.events} through the outbox except {@code message.chunk}: it goes
 * straight to Kafka on {@code chat.stream}, a topic only the gateways read, so the four services that follow
 * chats no longer fetch and skip 2,000 chunks/s at 100 live answers (#14). A message's
 * {@code message.complete} is written after its last chunk was acknowledged; the gateway holds it until it
 * has delivered that chunk ({@code UserEventFanOut}).
 */
public sealed interface ChatEvent extends CompanionEvent
        permits ChatSnapshot, ChatDeleted, MessageCreated, MessageChunk, MessageComplete, MessageError, BatchComplete {

    @Override
    default String topic() {
        return EventTopics.CHAT_EVENTS;
    }
}
