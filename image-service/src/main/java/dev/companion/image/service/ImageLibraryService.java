package dev.companion.image.service;

import dev.companion.common.api.ApiException;
import dev.companion.common.api.PageRequest;
import dev.companion.common.api.Pagination;
import dev.companion.common.events.Topics;
import dev.companion.common.outbox.Outbox;
import dev.companion.common.outbox.ProcessedEvents;
import dev.companion.image.client.ImageStorage;
import dev.companion.image.events.ImageEvents;
import dev.companion.image.mapping.ImageMapper;
import dev.companion.image.model.ChatRef;
import dev.companion.image.model.ImageGeneration;
import dev.companion.image.model.StoredImage;
import dev.companion.image.repository.ChatRefRepository;
import dev.companion.image.repository.GenerationRepository;
import dev.companion.image.repository.ImageRepository;
import dev.companion.image.rest.ImageView;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The user's stored images: listing, reading, deleting, and the clean-up when chats or projects go. */
@ApplicationScoped
public class ImageLibraryService {

    private static final String CHAT_CONSUMER = "image-service.chat-events";
    private static final String PROJECT_CONSUMER = "image-service.project-events";

    private final ImageRepository images;
    private final GenerationRepository generations;
    private final ChatRefRepository chats;
    private final ImageStorage storage;
    private final ImageMapper mapper;
    private final Outbox outbox;
    private final ProcessedEvents processed;
    private final Vertx vertx;

    public ImageLibraryService(ImageRepository images, GenerationRepository generations, ChatRefRepository chats,
                               ImageStorage storage, ImageMapper mapper, Outbox outbox, ProcessedEvents processed, Vertx vertx) {
        this.images = images;
        this.generations = generations;
        this.chats = chats;
        this.storage = storage;
        this.mapper = mapper;
        this.outbox = outbox;
        this.processed = processed;
        this.vertx = vertx;
    }

    public record ImagePage(List<ImageView> images, Pagination pagination) {
    }

    public Uni<ImagePage> list(String userId, String projectId, String chatId, PageRequest page, String sort, String order) {
        Sort s = Sort.by("createdAt".equals(sort) || sort == null ? "createdAt" : sort,
                "asc".equals(order) ? Sort.Direction.Ascending : Sort.Direction.Descending).and("id");
        return Panache.withSession(() -> {
            var q = images.findForUser(userId, projectId, chatId, s);
            return q.count().flatMap(total -> q.page(Page.of(page.page() - 1, page.limit())).list()
                    .map(list -> new ImagePage(list.stream().map(mapper::view).toList(), Pagination.of(page, total))));
        });
    }

    public Uni<ImageView> get(String userId, String imageId) {
        return Panache.withSession(() -> images.findOwned(imageId, userId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("image", imageId))
                .map(mapper::view));
    }

    /** The stored bytes of one of the user's images (for analysis by imageId). */
    public Uni<StoredImage> owned(String userId, String imageId) {
        return Panache.withSession(() -> images.findOwned(imageId, userId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("image", imageId)));
    }

    /** Deletes one image: the row and image.deleted in one transaction, then the objects. */
    public Uni<Void> delete(String userId, String imageId) {
        return Panache.withTransaction(() -> images.findOwned(imageId, userId)
                        .onItem().ifNull().failWith(() -> ApiException.notFound("image", imageId))
                        .flatMap(img -> images.delete(img)
                                .flatMap(x -> outbox.publish(Topics.IMAGE_EVENTS, img.generationId, ImageEvents.DELETED, userId,
                                        new ImageEvents.Deleted(List.of(img.id), img.generationId, img.chatId, img.projectId)))
                                .replaceWith(img)))
                .flatMap(img -> removeObjects(List.of(img)));
    }

    public Uni<Void> rememberChat(String eventId, String chatId, String projectId, String userId) {
        if (chatId == null || projectId == null || userId == null) {
            return Uni.createFrom().voidItem();
        }
        return Panache.withTransaction(() -> processed.firstDelivery(CHAT_CONSUMER, eventId).flatMap(first -> {
            if (!first) {
                return Uni.createFrom().voidItem();
            }
            return chats.upsert(chatId, projectId, userId);
        }));
    }

    public Uni<Void> chatDeleted(String eventId, String chatId) {
        if (chatId == null) {
            return Uni.createFrom().voidItem();
        }
        return purge(CHAT_CONSUMER, eventId, () -> images.findByChat(chatId), () -> generations.findByChat(chatId),
                () -> chats.deleteById(chatId).replaceWithVoid());
    }

    public Uni<Void> projectDeleted(String eventId, String projectId) {
        if (projectId == null) {
            return Uni.createFrom().voidItem();
        }
        return purge(PROJECT_CONSUMER, eventId, () -> images.findByProject(projectId), () -> generations.findByProject(projectId),
                () -> chats.deleteByProject(projectId).replaceWithVoid());
    }

    /**
     * Objects first (idempotent, so a redelivered event just repeats it), then in one transaction: the
     * de-dup mark, the rows and one image.deleted per generation that had images.
     */
    private Uni<Void> purge(String consumer, String eventId, java.util.function.Supplier<Uni<List<StoredImage>>> findImages,
                            java.util.function.Supplier<Uni<List<ImageGeneration>>> findGenerations,
                            java.util.function.Supplier<Uni<Void>> dropChats) {
        return Panache.withSession(findImages::get)
                .flatMap(this::removeObjects)
                .flatMap(x -> Panache.withTransaction(() -> processed.firstDelivery(consumer, eventId).flatMap(first -> {
                    if (!first) {
                        return Uni.createFrom().voidItem();
                    }
                    return findImages.get().flatMap(imgs -> findGenerations.get().flatMap(gens -> {
                        Map<String, List<StoredImage>> byGen = imgs.stream().collect(Collectors.groupingBy(i -> i.generationId));
                        Uni<Void> chain = Uni.createFrom().voidItem();
                        for (ImageGeneration g : gens) {
                            List<StoredImage> mine = byGen.getOrDefault(g.id, List.of());
                            if (!mine.isEmpty()) {
                                chain = chain.flatMap(y -> outbox.publish(Topics.IMAGE_EVENTS, g.id, ImageEvents.DELETED, g.userId,
                                        new ImageEvents.Deleted(mine.stream().map(i -> i.id).toList(), g.id, g.chatId, g.projectId))
                                        .replaceWithVoid());
                            }
                            chain = chain.flatMap(y -> generations.delete(g));
                        }
                        return chain.flatMap(y -> dropChats.get());
                    }));
                })));
    }

    private Uni<Void> removeObjects(List<StoredImage> imgs) {
        if (imgs.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> keys = new ArrayList<>();
        for (StoredImage i : imgs) {
            keys.add(i.storageKey);
            keys.add(i.thumbnailKey);
        }
        return vertx.executeBlocking(() -> {
            storage.delete(keys);
            return null;
        }).replaceWithVoid();
    }
}
