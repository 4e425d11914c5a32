package dev.companion.project.events;

import dev.companion.common.events.EventEnvelope;
import dev.companion.common.events.EventReader;
import dev.companion.common.outbox.IdempotentConsumer;
import dev.companion.events.ChatCreated;
import dev.companion.events.ChatDeleted;
import dev.companion.events.ChatEvent;
import dev.companion.events.ChatSnapshot;
import dev.companion.events.ChatUpdated;
import dev.companion.events.MessageCreated;
import dev.companion.project.service.ChatActivityService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.Instant;
import java.util.Set;

/**
 * Keeps the chat read model from {@code chat.events}: which chats exist (ownership of chat-scope
 * instruction sets) and each project's {@code chatCount} and {@code lastActivity}. Each event is applied
 * once ({@link IdempotentConsumer}, same transaction); other event types on the topic (chunks) pass without one.
 */
@ApplicationScoped
public class ChatEventsConsumer {

    static final String CONSUMER = "project-service.chat-events";
    private static final Set<String> WANTED = Set.of(ChatCreated.TYPE, ChatUpdated.TYPE, ChatDeleted.TYPE, MessageCreated.TYPE);

    private final IdempotentConsumer consumer;
    private final EventReader reader;
    private final ChatActivityService activity;

    public ChatEventsConsumer(IdempotentConsumer consumer, EventReader reader, ChatActivityService activity) {
        this.consumer = consumer;
        this.reader = reader;
        this.activity = activity;
    }

    @Incoming("chat-events")
    public Uni<Void> consume(String value) {
        return consumer.consume(CONSUMER, value, WANTED::contains, this::apply);
    }

    private Uni<Void> apply(EventEnvelope event) {
        ChatEvent e = reader.decode(event, ChatEvent.class).orElse(null);
        if (e instanceof ChatSnapshot c) {
            return activity.chatSeen(c.id(), c.projectId(), c.userId() != null ? c.userId() : event.userId(),
                    instant(c.createdAt(), event));
        }
        if (e instanceof ChatDeleted d) {
            return activity.chatDeleted(d.id());
        }
        if (e instanceof MessageCreated m) {
            return activity.messageCreated(m.chatId(), m.projectId(), instant(m.createdAt(), event));
        }
        return Uni.createFrom().voidItem();
    }

    private static Instant instant(String value, EventEnvelope event) {
        try {
            return Instant.parse(value != null ? value : event.occurredAt());
        } catch (RuntimeException e) {
            return Instant.now();
        }
    }
}
