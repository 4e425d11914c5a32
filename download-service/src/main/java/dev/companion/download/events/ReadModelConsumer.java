package dev.companion.download.events;

import dev.companion.common.events.EventEnvelope;
import dev.companion.common.events.EventReader;
import dev.companion.common.outbox.ProcessedEvents;
import dev.companion.download.model.ImageRef;
import dev.companion.download.repository.ChatRefRepository;
import dev.companion.download.repository.DownloadRepository;
import dev.companion.download.repository.ImageRefRepository;
import dev.companion.download.repository.ProjectRefRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Function;

/**
 * Keeps the read models (images, project names, chat names) from image.events, project.events and
 * chat.events. Each event is applied once: de-duplicated by id in the same transaction as the change.
 * The rows are written by the repositories' upserts, the same statements {@code KnownRefs} uses for what
 * it learns from the owners directly, so an event and an owner's answer about the same thing converge.
 * A failing transaction (database away) is retried; an unreadable payload is logged and skipped.
 */
@ApplicationScoped
public class ReadModelConsumer {

    private static final Logger LOG = Logger.getLogger(ReadModelConsumer.class);

    private final EventReader reader;
    private final ProcessedEvents processed;
    private final ImageRefRepository images;
    private final ProjectRefRepository projects;
    private final ChatRefRepository chats;
    private final DownloadRepository downloads;

    public ReadModelConsumer(EventReader reader, ProcessedEvents processed, ImageRefRepository images,
                             ProjectRefRepository projects, ChatRefRepository chats, DownloadRepository downloads) {
        this.reader = reader;
        this.processed = processed;
        this.images = images;
        this.projects = projects;
        this.chats = chats;
        this.downloads = downloads;
    }

    @Incoming("image-events")
    @Retry(maxRetries = 10, delay = 1, delayUnit = ChronoUnit.SECONDS, abortOn = IllegalArgumentException.class)
    public Uni<Void> onImageEvent(String value) {
        return once("download-service.images", value, event -> switch (event.type()) {
            case "image.complete" -> imageComplete(event);
            case "image.deleted" -> imageDeleted(event);
            default -> Uni.createFrom().voidItem();
        });
    }

    @Incoming("project-events")
    @Retry(maxRetries = 10, delay = 1, delayUnit = ChronoUnit.SECONDS, abortOn = IllegalArgumentException.class)
    public Uni<Void> onProjectEvent(String value) {
        return once("download-service.projects", value, event -> switch (event.type()) {
            case "project.created", "project.updated", "project.archived" -> projectChanged(event);
            case "project.deleted" -> projectDeleted(event);
            default -> Uni.createFrom().voidItem();
        });
    }

    @Incoming("chat-events")
    @Retry(maxRetries = 10, delay = 1, delayUnit = ChronoUnit.SECONDS, abortOn = IllegalArgumentException.class)
    public Uni<Void> onChatEvent(String value) {
        return once("download-service.chats", value, event -> switch (event.type()) {
            case "chat.created", "chat.updated" -> chatChanged(event);
            case "chat.deleted" -> chats.deleteById(reader.data(event, InboundEvents.Chat.class).id()).replaceWithVoid();
            default -> Uni.createFrom().voidItem();
        });
    }

    private Uni<Void> once(String consumer, String value, Function<EventEnvelope, Uni<Void>> apply) {
        EventEnvelope event = reader.read(value);
        if (event == null) {
            LOG.warnf("%s: skipped a value that is not an event envelope", consumer);
            return Uni.createFrom().voidItem();
        }
        return Panache.withTransaction(() -> processed.firstDelivery(consumer, event.id())
                .flatMap(first -> first ? apply.apply(event) : Uni.createFrom().voidItem()));
    }

    private Uni<Void> imageComplete(EventEnvelope event) {
        InboundEvents.ImageComplete data = reader.data(event, InboundEvents.ImageComplete.class);
        if (data.images() == null || event.userId() == null) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (InboundEvents.Image image : data.images()) {
            if (image.id() == null || image.storageKey() == null) {
                continue;
            }
            ImageRef ref = new ImageRef();
            ref.id = image.id();
            ref.userId = event.userId();
            ref.generationId = data.generationId();
            ref.chatId = data.chatId();
            ref.projectId = data.projectId();
            ref.prompt = data.prompt();
            ref.format = image.format();
            int[] size = dimensions(image);
            ref.width = size[0] > 0 ? size[0] : null;
            ref.height = size[1] > 0 ? size[1] : null;
            ref.bytes = image.bytes();
            ref.storageKey = image.storageKey();
            ref.createdAt = instant(image.createdAt(), event.occurredAt());
            chain = chain.flatMap(v -> images.upsert(ref));
        }
        return chain;
    }

    private Uni<Void> imageDeleted(EventEnvelope event) {
        InboundEvents.ImageDeleted data = reader.data(event, InboundEvents.ImageDeleted.class);
        List<String> ids = data.imageIds();
        if (ids == null || ids.isEmpty() || event.userId() == null) {
            return Uni.createFrom().voidItem();
        }
        return images.deleteOwned(event.userId(), ids)
                .flatMap(n -> downloads.expireForImages(event.userId(), ids, Instant.now()))
                .replaceWithVoid();
    }

    private Uni<Void> projectChanged(EventEnvelope event) {
        InboundEvents.Project data = reader.data(event, InboundEvents.Project.class);
        return projects.upsert(data.id(), data.userId() != null ? data.userId() : event.userId(),
                data.name() == null ? data.id() : data.name(), instant(data.updatedAt(), event.occurredAt()));
    }

    private Uni<Void> projectDeleted(EventEnvelope event) {
        InboundEvents.Project data = reader.data(event, InboundEvents.Project.class);
        String userId = data.userId() != null ? data.userId() : event.userId();
        return projects.delete("id = ?1 and userId = ?2", data.id(), userId)
                .flatMap(n -> images.deleteByProject(userId, data.id()))
                .flatMap(n -> chats.deleteByProject(userId, data.id()))
                .flatMap(n -> downloads.deleteForProject(userId, data.id(), Instant.now()))
                .replaceWithVoid();
    }

    private Uni<Void> chatChanged(EventEnvelope event) {
        InboundEvents.Chat data = reader.data(event, InboundEvents.Chat.class);
        return chats.upsert(data.id(), data.userId() != null ? data.userId() : event.userId(), data.projectId(),
                data.name() == null ? data.id() : data.name(), instant(data.updatedAt(), event.occurredAt()));
    }

    /** width/height, or parsed from the seed's {@code size} "WxH" when the metadata is absent. */
    static int[] dimensions(InboundEvents.Image image) {
        return ImageRef.dimensions(image.width(), image.height(), image.size());
    }

    private static Instant instant(String value, String fallback) {
        for (String v : new String[]{value, fallback}) {
            if (v != null) {
                try {
                    return Instant.parse(v);
                } catch (DateTimeParseException ignored) {
                    // try the next one
                }
            }
        }
        return Instant.now();
    }
}
