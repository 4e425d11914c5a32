package dev.companion.auth.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.auth.repository.UsageRepository;
import dev.companion.common.events.EventEnvelope;
import dev.companion.common.outbox.IdempotentConsumer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Keeps the profile's usage counts from other services' events: projects (project.created/deleted),
 * chats (chat.created/deleted), images (image.complete adds its images, image.deleted removes its ids).
 * Each event id is applied once, in the same transaction as the count change, so replays count nothing
 * ({@link IdempotentConsumer}: one retry policy, then the dead-letter topic).
 */
@ApplicationScoped
public class UsageEventsConsumer {

    static final String CONSUMER = "auth-service.usage";

    private final IdempotentConsumer consumer;
    private final UsageRepository usage;

    public UsageEventsConsumer(IdempotentConsumer consumer, UsageRepository usage) {
        this.consumer = consumer;
        this.usage = usage;
    }

    @Incoming("project-events")
    public Uni<Void> onProjectEvent(String value) {
        return apply(value);
    }

    @Incoming("chat-events")
    public Uni<Void> onChatEvent(String value) {
        return apply(value);
    }

    @Incoming("image-events")
    public Uni<Void> onImageEvent(String value) {
        return apply(value);
    }

    /** The change an event makes to {projects, chats, images}; null when it does not affect usage. */
    static long[] delta(EventEnvelope event) {
        JsonNode data = event.data();
        return switch (event.type()) {
            case "project.created" -> new long[] {1, 0, 0};
            case "project.deleted" -> new long[] {-1, 0, 0};
            case "chat.created" -> new long[] {0, 1, 0};
            case "chat.deleted" -> new long[] {0, -1, 0};
            case "image.complete" -> new long[] {0, 0, size(data, "images")};
            case "image.deleted" -> new long[] {0, 0, -size(data, "imageIds")};
            default -> null;
        };
    }

    private Uni<Void> apply(String value) {
        return consumer.consume(CONSUMER, value, UsageEventsConsumer::counted, event -> {
            long[] d = delta(event);
            String userId = event.userId() != null ? event.userId() : text(event.data(), "userId");
            if (d == null || userId == null) {
                return Uni.createFrom().voidItem();
            }
            return usage.add(userId, d[0], d[1], d[2]);
        });
    }

    private static boolean counted(String type) {
        return switch (type) {
            case "project.created", "project.deleted", "chat.created", "chat.deleted", "image.complete", "image.deleted" -> true;
            default -> false;
        };
    }

    private static long size(JsonNode data, String field) {
        JsonNode n = data == null ? null : data.get(field);
        return n != null && n.isArray() ? n.size() : 0;
    }

    private static String text(JsonNode data, String field) {
        JsonNode n = data == null ? null : data.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }
}
