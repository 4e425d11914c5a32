package dev.companion.project.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.common.events.EventEnvelope;
import dev.companion.common.events.EventReader;
import dev.companion.common.outbox.ProcessedEvents;
import dev.companion.project.service.ChatActivityService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;

/**
 * Keeps the chat read model from {@code chat.events}: which chats exist (ownership of chat-scope
 * instruction sets) and each project's {@code chatCount} and {@code lastActivity}. Each event is applied
 * once (ProcessedEvents, same transaction); other event types on the topic are ignored.
 */
@ApplicationScoped
public class ChatEventsConsumer {

    static final String CONSUMER = "project-service.chat-events";
    private static final Logger LOG = Logger.getLogger(ChatEventsConsumer.class);

    private final EventReader reader;
    private final ProcessedEvents processed;
    private final ChatActivityService activity;

    public ChatEventsConsumer(EventReader reader, ProcessedEvents processed, ChatActivityService activity) {
        this.reader = reader;
        this.processed = processed;
        this.activity = activity;
    }

    @Incoming("chat-events")
    public Uni<Void> consume(String value) {
        EventEnvelope event = reader.read(value);
        if (event == null || event.data() == null || !relevant(event.type())) {
            return Uni.createFrom().voidItem();
        }
        return Panache.withTransaction(() -> processed.firstDelivery(CONSUMER, event.id())
                        .flatMap(first -> first ? apply(event) : Uni.createFrom().voidItem()))
                // a database hiccup should not drop the event: retry, then log and move on rather than stop the channel
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2)).atMost(5)
                .onFailure().recoverWithItem(e -> {
                    LOG.errorf(e, "chat event %s (%s) could not be applied", event.id(), event.type());
                    return null;
                });
    }

    private static boolean relevant(String type) {
        return switch (type) {
            case "chat.created", "chat.updated", "chat.deleted", "message.created" -> true;
            default -> false;
        };
    }

    private Uni<Void> apply(EventEnvelope event) {
        JsonNode d = event.data();
        return switch (event.type()) {
            case "chat.created", "chat.updated" -> activity.chatSeen(text(d, "id"), text(d, "projectId"),
                    userId(event, d), instant(d, "createdAt", event));
            case "chat.deleted" -> activity.chatDeleted(text(d, "id"));
            case "message.created" -> activity.messageCreated(text(d, "chatId"), text(d, "projectId"), instant(d, "createdAt", event));
            default -> Uni.createFrom().voidItem();
        };
    }

    private static String userId(EventEnvelope event, JsonNode d) {
        String fromData = text(d, "userId");
        return fromData != null ? fromData : event.userId();
    }

    private static String text(JsonNode d, String field) {
        JsonNode n = d.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Instant instant(JsonNode d, String field, EventEnvelope event) {
        String value = text(d, field);
        try {
            return Instant.parse(value != null ? value : event.occurredAt());
        } catch (RuntimeException e) {
            return Instant.now();
        }
    }
}
