package dev.companion.auth.events;

import dev.companion.auth.repository.UsageRepository;
import dev.companion.common.events.EventEnvelope;
import dev.companion.common.events.EventReader;
import dev.companion.common.outbox.IdempotentConsumer;
import dev.companion.events.ChatCreated;
import dev.companion.events.ChatDeleted;
import dev.companion.events.ChatEvent;
import dev.companion.events.CompanionEvent;
import dev.companion.events.ImageComplete;
import dev.companion.events.ImageDeleted;
import dev.companion.events.ImageEvent;
import dev.companion.events.ProjectCreated;
import dev.companion.events.ProjectDeleted;
import dev.companion.events.ProjectEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.List;
import java.util.Set;

/**
 * Keeps the profile's usage counts from other services' events, decoded into the typed records of the
 * {@code events} module: projects ({@link ProjectCreated} +1, {@link ProjectDeleted} −1), chats
 * ({@link ChatCreated} +1, {@link ChatDeleted} −1), images ({@link ImageComplete} adds its images,
 * {@link ImageDeleted} removes its ids). Other types on the topics (updates, messages, chunks, progress)
 * pass without a transaction. Each event id is applied once, in the same transaction as the count change,
 * so replays count nothing ({@link IdempotentConsumer}: one retry policy, then {@code auth-service.dlt};
 * a counted type whose data does not fit its record goes there straight away).
 */
@ApplicationScoped
public class UsageEventsConsumer {

    static final String CONSUMER = "auth-service.usage";

    /** The types that change a count; every other type is passed over. */
    static final Set<String> COUNTED = Set.of(ProjectCreated.TYPE, ProjectDeleted.TYPE, ChatCreated.TYPE, ChatDeleted.TYPE,
            ImageComplete.TYPE, ImageDeleted.TYPE);

    /** The change one event makes to a user's {projects, chats, images}. */
    record Delta(long projects, long chats, long images) {
    }

    private final IdempotentConsumer consumer;
    private final EventReader reader;
    private final UsageRepository usage;

    public UsageEventsConsumer(IdempotentConsumer consumer, EventReader reader, UsageRepository usage) {
        this.consumer = consumer;
        this.reader = reader;
        this.usage = usage;
    }

    @Incoming("project-events")
    public Uni<Void> onProjectEvent(String value) {
        return apply(value, ProjectEvent.class);
    }

    @Incoming("chat-events")
    public Uni<Void> onChatEvent(String value) {
        return apply(value, ChatEvent.class);
    }

    @Incoming("image-events")
    public Uni<Void> onImageEvent(String value) {
        return apply(value, ImageEvent.class);
    }

    /** The change {@code event} makes to the counts; null when it does not affect usage. */
    static Delta delta(CompanionEvent event) {
        if (event instanceof ProjectCreated) {
            return new Delta(1, 0, 0);
        }
        if (event instanceof ProjectDeleted) {
            return new Delta(-1, 0, 0);
        }
        if (event instanceof ChatCreated) {
            return new Delta(0, 1, 0);
        }
        if (event instanceof ChatDeleted) {
            return new Delta(0, -1, 0);
        }
        if (event instanceof ImageComplete c) {
            return new Delta(0, 0, size(c.images()));
        }
        if (event instanceof ImageDeleted d) {
            return new Delta(0, 0, -size(d.imageIds()));
        }
        return null;
    }

    /**
     * Whose counts change: the envelope's {@code userId}, else the record's owner where it carries one
     * (projects and chats do; image events do not).
     */
    static String owner(EventEnvelope envelope, CompanionEvent event) {
        if (envelope.userId() != null) {
            return envelope.userId();
        }
        if (event instanceof ProjectCreated p) {
            return p.userId();
        }
        if (event instanceof ProjectDeleted p) {
            return p.userId();
        }
        if (event instanceof ChatCreated c) {
            return c.userId();
        }
        if (event instanceof ChatDeleted c) {
            return c.userId();
        }
        return null;
    }

    private <E extends CompanionEvent> Uni<Void> apply(String value, Class<E> family) {
        return consumer.consume(CONSUMER, value, COUNTED::contains, envelope -> {
            CompanionEvent event = reader.decode(envelope, family).orElse(null);
            Delta d = delta(event);
            String userId = owner(envelope, event);
            if (d == null || userId == null) {
                return Uni.createFrom().voidItem();
            }
            return usage.add(userId, d.projects(), d.chats(), d.images());
        });
    }

    private static long size(List<?> list) {
        return list == null ? 0 : list.size();
    }
}
