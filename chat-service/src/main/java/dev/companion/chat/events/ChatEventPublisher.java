package dev.companion.chat.events;

import dev.companion.chat.events.ChatEventPayloads.BatchComplete;
import dev.companion.chat.events.ChatEventPayloads.ChatDeleted;
import dev.companion.chat.events.ChatEventPayloads.ChatState;
import dev.companion.chat.events.ChatEventPayloads.ErrorBody;
import dev.companion.chat.events.ChatEventPayloads.MessageComplete;
import dev.companion.chat.events.ChatEventPayloads.MessageCreated;
import dev.companion.chat.events.ChatEventPayloads.MessageError;
import dev.companion.chat.events.ChatEventPayloads.Usage;
import dev.companion.chat.model.Chat;
import dev.companion.chat.model.Message;
import dev.companion.common.api.ErrorResponse.Timestamps;
import dev.companion.common.events.Topics;
import dev.companion.common.outbox.Outbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Durable chat.events (through the outbox, so call inside the transaction of the change); key = chatId
 * so every event of a chat stays in order.
 */
@ApplicationScoped
public class ChatEventPublisher {

    private final Outbox outbox;

    public ChatEventPublisher(Outbox outbox) {
        this.outbox = outbox;
    }

    public Uni<Void> chatChanged(String type, Chat c) {
        return publish(c.id, type, c.userId, new ChatState(c.id, c.projectId, c.userId, c.name, c.model, c.archived, c.starred,
                c.messageCount, Timestamps.format(c.createdAt), Timestamps.format(c.updatedAt)));
    }

    public Uni<Void> chatDeleted(Chat c) {
        return publish(c.id, "chat.deleted", c.userId, new ChatDeleted(c.id, c.projectId, c.userId));
    }

    public Uni<Void> messageCreated(Chat c, Message m) {
        return publish(c.id, "message.created", c.userId,
                new MessageCreated(c.id, c.projectId, m.id, m.role, Timestamps.format(m.createdAt)));
    }

    public Uni<Void> messageComplete(Message m, int promptTokens, int completionTokens) {
        return publish(m.chatId, "message.complete", m.userId, new MessageComplete(m.chatId, m.id, m.content,
                new Usage(promptTokens, completionTokens, promptTokens + completionTokens)));
    }

    public Uni<Void> messageError(Message m, String code, String message) {
        return publish(m.chatId, "message.error", m.userId, new MessageError(m.chatId, m.id, new ErrorBody(code, message)));
    }

    public Uni<Void> batchComplete(String chatId, String userId, BatchComplete payload) {
        return publish(chatId, "batch.complete", userId, payload);
    }

    private Uni<Void> publish(String chatId, String type, String userId, Object payload) {
        return outbox.publish(Topics.CHAT_EVENTS, chatId, type, userId, payload).replaceWithVoid();
    }
}
