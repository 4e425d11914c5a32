package dev.companion.auth.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.auth.repository.UsageRepository;
import dev.companion.common.events.EventEnvelope;
import dev.companion.common.events.EventReader;
import dev.companion.common.outbox.ProcessedEvents;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Keeps the profile's usage counts from other services' events: projects (project.created/deleted),
 * chats (chat.created/deleted), images (image.complete adds its images, image.deleted removes its ids).
 * Each event id is applied once, in the same transaction as the count change, so replays count nothing.
 */
@ApplicationScoped
public class UsageEventsConsumer {

    private static final Logger LOG = Logger.getLogger(UsageEventsConsumer.class);
    static final String CONSUMER = "auth-service.usage";

    private final EventReader reader;
    private final ProcessedEvents processed;
    private final UsageRepository usage;

    public UsageEventsConsumer(EventReader reader, ProcessedEvents processed, UsageRepository usage) {
        this.reader = reader;
        this.processed = processed;
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
        EventEnvelope event = reader.read(value);
        if (event == null) {
            LOG.warn("skipping a record that is not an event envelope");
            return Uni.createFrom().voidItem();
        }
        long[] d = delta(event);
        String userId = event.userId() != null ? event.userId() : text(event.data(), "userId");
        if (d == null || userId == null) {
            return Uni.createFrom().voidItem();
        }
        return Panache.withTransaction(() -> processed.firstDelivery(CONSUMER, event.id())
                .flatMap(first -> first ? usage.add(userId, d[0], d[1], d[2]) : Uni.createFrom().voidItem()));
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
