package dev.companion.image.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.common.events.EventEnvelope;
import dev.companion.common.events.EventReader;
import dev.companion.image.service.ImageLibraryService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Keeps the chat read model (chat.created/updated/deleted) and removes images when their chat or
 * project is deleted. Idempotent by event id (ProcessedEvents, inside the service's transaction).
 */
@ApplicationScoped
public class ChatEventsConsumer {

    private static final Logger LOG = Logger.getLogger(ChatEventsConsumer.class);

    private final EventReader reader;
    private final ImageLibraryService library;

    public ChatEventsConsumer(EventReader reader, ImageLibraryService library) {
        this.reader = reader;
        this.library = library;
    }

    @Incoming("chat-events")
    public Uni<Void> onChatEvent(String value) {
        EventEnvelope e = reader.read(value);
        if (e == null || e.data() == null) {
            return Uni.createFrom().voidItem();
        }
        JsonNode d = e.data();
        Uni<Void> work = switch (e.type()) {
            case "chat.created", "chat.updated" -> library.rememberChat(e.id(), text(d, "id"), text(d, "projectId"), userOf(e, d));
            case "chat.deleted" -> library.chatDeleted(e.id(), text(d, "id"));
            default -> Uni.createFrom().voidItem();
        };
        return guarded(e, work);
    }

    @Incoming("project-events")
    public Uni<Void> onProjectEvent(String value) {
        EventEnvelope e = reader.read(value);
        if (e == null || e.data() == null || !"project.deleted".equals(e.type())) {
            return Uni.createFrom().voidItem();
        }
        return guarded(e, library.projectDeleted(e.id(), text(e.data(), "id")));
    }

    private static Uni<Void> guarded(EventEnvelope e, Uni<Void> work) {
        return work.onFailure().invoke(t -> LOG.errorf(t, "could not apply %s %s", e.type(), e.id()))
                .onFailure().retry().withBackOff(java.time.Duration.ofMillis(200)).atMost(3)
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private static String userOf(EventEnvelope e, JsonNode d) {
        String u = text(d, "userId");
        return u != null ? u : e.userId();
    }

    private static String text(JsonNode d, String field) {
        JsonNode n = d.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
