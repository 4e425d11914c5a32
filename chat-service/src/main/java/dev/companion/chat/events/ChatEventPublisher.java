package dev.companion.chat.events;

import dev.companion.chat.model.Chat;
import dev.companion.chat.model.Message;
import dev.companion.common.api.ErrorResponse.Timestamps;
import dev.companion.common.outbox.Outbox;
import dev.companion.events.BatchComplete;
import dev.companion.events.ChatDeleted;
import dev.companion.events.ChatEvent;
import dev.companion.events.ChatSnapshot;
import dev.companion.events.ErrorInfo;
import dev.companion.events.MessageComplete;
import dev.companion.events.MessageCreated;
import dev.companion.events.MessageError;
import dev.companion.events.TokenUsage;
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
        return publish(c.userId, ChatSnapshot.of(type, c.id, c.projectId, c.userId, c.name, c.model, c.archived, c.starred,
                c.messageCount, Timestamps.format(c.createdAt), Timestamps.format(c.updatedAt)));
    }

    public Uni<Void> chatDeleted(Chat c) {
        return publish(c.userId, new ChatDeleted(c.id, c.projectId, c.userId));
    }

    public Uni<Void> messageCreated(Chat c, Message m) {
        return publish(c.userId, new MessageCreated(c.id, c.projectId, m.id, m.role, Timestamps.format(m.createdAt)));
    }

    public Uni<Void> messageComplete(Message m, int promptTokens, int completionTokens) {
        return publish(m.userId, new MessageComplete(m.chatId, m.id, m.content,
                new TokenUsage(promptTokens, completionTokens, promptTokens + completionTokens)));
    }

    public Uni<Void> messageError(Message m, String code, String message) {
        return publish(m.userId, new MessageError(m.chatId, m.id, new ErrorInfo(code, message)));
    }

    public Uni<Void> batchComplete(String userId, BatchComplete payload) {
        return publish(userId, payload);
    }

    /** On chat.events, keyed by the chat (each record's key). */
    private Uni<Void> publish(String userId, ChatEvent event) {
        return outbox.publish(event, userId).replaceWithVoid();
    }
}
