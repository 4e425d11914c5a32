package dev.companion.image.events;

import dev.companion.common.events.EventEnvelope;
import dev.companion.common.events.EventReader;
import dev.companion.common.outbox.IdempotentConsumer;
import dev.companion.events.ChatCreated;
import dev.companion.events.ChatDeleted;
import dev.companion.events.ChatEvent;
import dev.companion.events.ChatSnapshot;
import dev.companion.events.ChatUpdated;
import dev.companion.events.ProjectDeleted;
import dev.companion.events.ProjectEvent;
import dev.companion.image.service.ImageLibraryService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.Set;

/**
 * Keeps the chat read model (chat.created/updated/deleted) and removes images when their chat or
 * project is deleted. Each event is decoded into its typed record and applied once per consumer
 * ({@link IdempotentConsumer}: the event id recorded in the transaction of the change); other types on
 * the topics (chunks, messages, instruction sets) pass without a transaction. A record that still fails,
 * or can never be read, goes to {@code image-service.dlt}.
 */
@ApplicationScoped
public class ChatEventsConsumer {

    /** The de-dup names of image-service's consumers (as before the typed contract, so applied events stay applied). */
    static final String CHAT_CONSUMER = "image-service.chat-events";
    static final String PROJECT_CONSUMER = "image-service.project-events";
    private static final Set<String> CHAT_TYPES = Set.of(ChatCreated.TYPE, ChatUpdated.TYPE, ChatDeleted.TYPE);

    private final IdempotentConsumer consumer;
    private final EventReader reader;
    private final ImageLibraryService library;

    public ChatEventsConsumer(IdempotentConsumer consumer, EventReader reader, ImageLibraryService library) {
        this.consumer = consumer;
        this.reader = reader;
        this.library = library;
    }

    @Incoming("chat-events")
    public Uni<Void> onChatEvent(String value) {
        return consumer.consume(CHAT_CONSUMER, value, CHAT_TYPES::contains, this::applyChat);
    }

    @Incoming("project-events")
    public Uni<Void> onProjectEvent(String value) {
        return consumer.consume(PROJECT_CONSUMER, value, ProjectDeleted.TYPE::equals, this::applyProject);
    }

    private Uni<Void> applyChat(EventEnvelope event) {
        ChatEvent e = reader.decode(event, ChatEvent.class).orElse(null);
        if (e instanceof ChatSnapshot c) {
            return library.rememberChat(c.id(), c.projectId(), c.userId() != null ? c.userId() : event.userId());
        }
        if (e instanceof ChatDeleted d) {
            return library.chatDeleted(d.id());
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> applyProject(EventEnvelope event) {
        ProjectEvent e = reader.decode(event, ProjectEvent.class).orElse(null);
        if (e instanceof ProjectDeleted d) {
            return library.projectDeleted(d.id());
        }
        return Uni.createFrom().voidItem();
    }
}
