package dev.companion.image.service;

import dev.companion.common.api.ApiException;
import dev.companion.common.api.PageRequest;
import dev.companion.common.api.Pagination;
import dev.companion.common.outbox.Outbox;
import dev.companion.events.ImageDeleted;
import dev.companion.image.client.ImageStorage;
import dev.companion.image.model.ChatRef;
import dev.companion.image.model.ImageGeneration;
import dev.companion.image.model.StoredImage;
import dev.companion.image.repository.ChatRefRepository;
import dev.companion.image.repository.GenerationRepository;
import dev.companion.image.repository.ImageRepository;
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
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The user's stored images: listing, reading, deleting, and the clean-up when chats or projects go. */
@ApplicationScoped
public class ImageLibraryService {

    private final ImageRepository images;
    private final GenerationRepository generations;
    private final ChatRefRepository chats;
    private final ImageStorage storage;
    private final Outbox outbox;
    private final Vertx vertx;

    public ImageLibraryService(ImageRepository images, GenerationRepository generations, ChatRefRepository chats,
                               ImageStorage storage, Outbox outbox, Vertx vertx) {
        this.images = images;
        this.generations = generations;
        this.chats = chats;
        this.storage = storage;
        this.outbox = outbox;
        this.vertx = vertx;
    }

    public record ImagePage(List<StoredImage> images, Pagination pagination) {
    }

    public Uni<ImagePage> list(String userId, String projectId, String chatId, PageRequest page, String sort, String order) {
        Sort s = Sort.by("createdAt".equals(sort) || sort == null ? "createdAt" : sort,
                "asc".equals(order) ? Sort.Direction.Ascending : Sort.Direction.Descending).and("id");
        return Panache.withSession(() -> {
            var q = images.findForUser(userId, projectId, chatId, s);
            return q.count().flatMap(total -> q.page(Page.of(page.page() - 1, page.limit())).list()
                    .map(list -> new ImagePage(list, Pagination.of(page, total))));
        });
    }

    public Uni<StoredImage> get(String userId, String imageId) {
        return Panache.withSession(() -> images.findOwned(imageId, userId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("image", imageId)));
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
                                .flatMap(x -> outbox.publish(new ImageDeleted(List.of(img.id), img.generationId, img.chatId, img.projectId), userId))
                                .replaceWith(img)))
                .flatMap(img -> removeObjects(List.of(img)));
    }

    /**
     * chat.created/updated: the chat read model. Runs inside the consumer's transaction
     * ({@code ChatEventsConsumer} on IdempotentConsumer, which records the event as applied in it).
     */
    public Uni<Void> rememberChat(String chatId, String projectId, String userId) {
        if (chatId == null || projectId == null || userId == null) {
            // every chat has an id, a project and an owner: a snapshot without them can never be applied
            return Uni.createFrom().failure(new IllegalArgumentException("chat snapshot without id, projectId or userId"));
        }
        return chats.upsert(chatId, projectId, userId);
    }

    /** chat.deleted: the chat's images (objects and rows), generations and read-model row; in the consumer's transaction. */
    public Uni<Void> chatDeleted(String chatId) {
        if (chatId == null) {
            return Uni.createFrom().failure(new IllegalArgumentException("chat.deleted without id"));
        }
        return purge(() -> images.findByChat(chatId), () -> generations.findByChat(chatId),
                () -> chats.deleteById(chatId).replaceWithVoid());
    }

    /** project.deleted: the project's images, generations and chats; in the consumer's transaction. */
    public Uni<Void> projectDeleted(String projectId) {
        if (projectId == null) {
            return Uni.createFrom().failure(new IllegalArgumentException("project.deleted without id"));
        }
        return purge(() -> images.findByProject(projectId), () -> generations.findByProject(projectId),
                () -> chats.deleteByProject(projectId).replaceWithVoid());
    }

    /**
     * Inside the consumer's transaction: the objects first (idempotent; if anything after them fails, the
     * transaction and its de-dup mark roll back and the redelivery removes them again, so no object outlives
     * its row), then the rows and one image.deleted per generation that had images.
     */
    private Uni<Void> purge(Supplier<Uni<List<StoredImage>>> findImages, Supplier<Uni<List<ImageGeneration>>> findGenerations,
                            Supplier<Uni<Void>> dropChats) {
        return findImages.get().flatMap(imgs -> removeObjects(imgs).flatMap(x -> findGenerations.get()).flatMap(gens -> {
            Map<String, List<StoredImage>> byGen = imgs.stream().collect(Collectors.groupingBy(i -> i.generationId));
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (ImageGeneration g : gens) {
                List<StoredImage> mine = byGen.getOrDefault(g.id, List.of());
                if (!mine.isEmpty()) {
                    chain = chain.flatMap(y -> outbox.publish(
                            new ImageDeleted(mine.stream().map(i -> i.id).toList(), g.id, g.chatId, g.projectId), g.userId)
                            .replaceWithVoid());
                }
                chain = chain.flatMap(y -> generations.delete(g));
            }
            return chain.flatMap(y -> dropChats.get());
        }));
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
