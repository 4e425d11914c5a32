package dev.companion.download.events;

import dev.companion.common.events.EventEnvelope;
import dev.companion.common.events.EventReader;
import dev.companion.common.outbox.IdempotentConsumer;
import dev.companion.download.model.ImageRef;
import dev.companion.download.repository.ChatRefRepository;
import dev.companion.download.repository.DownloadRepository;
import dev.companion.download.repository.ImageRefRepository;
import dev.companion.download.repository.ProjectRefRepository;
import dev.companion.events.ChatCreated;
import dev.companion.events.ChatDeleted;
import dev.companion.events.ChatEvent;
import dev.companion.events.ChatSnapshot;
import dev.companion.events.ChatUpdated;
import dev.companion.events.GeneratedImage;
import dev.companion.events.ImageComplete;
import dev.companion.events.ImageDeleted;
import dev.companion.events.ImageEvent;
import dev.companion.events.ProjectArchived;
import dev.companion.events.ProjectCreated;
import dev.companion.events.ProjectDeleted;
import dev.companion.events.ProjectEvent;
import dev.companion.events.ProjectSnapshot;
import dev.companion.events.ProjectUpdated;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/**
 * Keeps the read models (images, project names, chat names) from image.events, project.events and
 * chat.events, decoded into the typed records of the {@code events} module. Each event is applied once
 * ({@link IdempotentConsumer}: de-duplicated by id in the same transaction as the change, one retry
 * policy, then the group's dead-letter topic {@code download-service.dlt}); the types it does not use
 * (progress, chunks, messages, instruction sets) pass without a transaction. The rows are written by the
 * repositories' upserts, the same statements {@code KnownRefs} uses for what it learns from the owners
 * directly, so an event and an owner's answer about the same thing converge (and a project's or chat's
 * older state, by its {@code updatedAt}, never overwrites a newer one).
 *
 * <p>Events are not trusted blindly: an image.complete whose storage keys are not image-service's keys for
 * the event's user, generation and image ({@link StorageKeys}) is dead-lettered whole, and an image already
 * known for one user is never re-assigned to another by a later event ({@link ImageRefRepository#upsert}).
 */
@ApplicationScoped
public class ReadModelConsumer {

    static final String IMAGES = "download-service.images";
    static final String PROJECTS = "download-service.projects";
    static final String CHATS = "download-service.chats";

    private static final Set<String> IMAGE_TYPES = Set.of(ImageComplete.TYPE, ImageDeleted.TYPE);
    private static final Set<String> PROJECT_TYPES = Set.of(ProjectCreated.TYPE, ProjectUpdated.TYPE, ProjectArchived.TYPE,
            ProjectDeleted.TYPE);
    private static final Set<String> CHAT_TYPES = Set.of(ChatCreated.TYPE, ChatUpdated.TYPE, ChatDeleted.TYPE);

    private final IdempotentConsumer consumer;
    private final EventReader reader;
    private final ImageRefRepository images;
    private final ProjectRefRepository projects;
    private final ChatRefRepository chats;
    private final DownloadRepository downloads;

    public ReadModelConsumer(IdempotentConsumer consumer, EventReader reader, ImageRefRepository images,
                             ProjectRefRepository projects, ChatRefRepository chats, DownloadRepository downloads) {
        this.consumer = consumer;
        this.reader = reader;
        this.images = images;
        this.projects = projects;
        this.chats = chats;
        this.downloads = downloads;
    }

    @Incoming("image-events")
    public Uni<Void> onImageEvent(String value) {
        return consumer.consume(IMAGES, value, IMAGE_TYPES::contains, this::applyImageEvent);
    }

    @Incoming("project-events")
    public Uni<Void> onProjectEvent(String value) {
        return consumer.consume(PROJECTS, value, PROJECT_TYPES::contains, this::applyProjectEvent);
    }

    @Incoming("chat-events")
    public Uni<Void> onChatEvent(String value) {
        return consumer.consume(CHATS, value, CHAT_TYPES::contains, this::applyChatEvent);
    }

    Uni<Void> applyImageEvent(EventEnvelope event) {
        ImageEvent e = reader.decode(event, ImageEvent.class).orElse(null);
        if (e instanceof ImageComplete c) {
            return imageComplete(event, c);
        }
        if (e instanceof ImageDeleted d) {
            return imageDeleted(event, d);
        }
        return Uni.createFrom().voidItem();
    }

    Uni<Void> applyProjectEvent(EventEnvelope event) {
        ProjectEvent e = reader.decode(event, ProjectEvent.class).orElse(null);
        if (e instanceof ProjectSnapshot p) {
            return projects.upsert(p.id(), p.userId() != null ? p.userId() : event.userId(),
                    p.name() == null ? p.id() : p.name(), instant(p.updatedAt(), event.occurredAt()));
        }
        if (e instanceof ProjectDeleted d) {
            return projectDeleted(event, d);
        }
        return Uni.createFrom().voidItem();
    }

    Uni<Void> applyChatEvent(EventEnvelope event) {
        ChatEvent e = reader.decode(event, ChatEvent.class).orElse(null);
        if (e instanceof ChatSnapshot c) {
            return chats.upsert(c.id(), c.userId() != null ? c.userId() : event.userId(), c.projectId(),
                    c.name() == null ? c.id() : c.name(), instant(c.updatedAt(), event.occurredAt()));
        }
        if (e instanceof ChatDeleted d) {
            return chats.deleteById(d.id()).replaceWithVoid();
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> imageComplete(EventEnvelope event, ImageComplete data) {
        if (data.images() == null || event.userId() == null) {
            return Uni.createFrom().voidItem();
        }
        // one after the other: a reactive session runs one statement at a time
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (GeneratedImage image : data.images()) {
            if (image == null || image.id() == null || image.storageKey() == null) {
                continue;
            }
            if (!StorageKeys.ownedBy(image.storageKey(), event.userId(), data.generationId(), image.id())) {
                // nothing of the event is applied: a forged or broken producer goes to download-service.dlt
                return Uni.createFrom().failure(new IdempotentConsumer.PoisonEventException("image " + image.id()
                        + ": storage key " + image.storageKey() + " is not image-service's key for user " + event.userId()
                        + " and generation " + data.generationId()));
            }
            ImageRef ref = toRef(event, data, image);
            chain = chain.flatMap(v -> images.upsert(ref));
        }
        return chain;
    }

    static ImageRef toRef(EventEnvelope event, ImageComplete data, GeneratedImage image) {
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
        // the record's bytes is a primitive: 0 is "not said" (no image has none)
        ref.bytes = image.bytes() > 0 ? image.bytes() : null;
        ref.storageKey = image.storageKey();
        ref.createdAt = instant(image.createdAt(), event.occurredAt());
        return ref;
    }

    private Uni<Void> imageDeleted(EventEnvelope event, ImageDeleted data) {
        List<String> ids = data.imageIds();
        if (ids == null || ids.isEmpty() || event.userId() == null) {
            return Uni.createFrom().voidItem();
        }
        return images.deleteOwned(event.userId(), ids)
                .flatMap(n -> downloads.expireForImages(event.userId(), ids, Instant.now()))
                .replaceWithVoid();
    }

    private Uni<Void> projectDeleted(EventEnvelope event, ProjectDeleted data) {
        String userId = data.userId() != null ? data.userId() : event.userId();
        return projects.delete("id = ?1 and userId = ?2", data.id(), userId)
                .flatMap(n -> images.deleteByProject(userId, data.id()))
                .flatMap(n -> chats.deleteByProject(userId, data.id()))
                .flatMap(n -> downloads.deleteForProject(userId, data.id(), Instant.now()))
                .replaceWithVoid();
    }

    /**
     * width/height, or parsed from the seed's {@code size} "WxH" when the metadata is absent (the record's
     * width and height are primitives: absent reads as 0).
     */
    static int[] dimensions(GeneratedImage image) {
        return ImageRef.dimensions(image.width() > 0 ? image.width() : null, image.height() > 0 ? image.height() : null,
                image.size());
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
