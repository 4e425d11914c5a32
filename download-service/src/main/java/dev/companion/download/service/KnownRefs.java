package dev.companion.download.service;

import dev.companion.common.api.ApiException;
import dev.companion.common.client.OwnerLookup;
import dev.companion.common.web.RequestIds;
import dev.companion.download.client.OwnerClients;
import dev.companion.download.model.ImageRef;
import dev.companion.download.repository.BlockingDb;
import dev.companion.download.repository.ChatRefRepository;
import dev.companion.download.repository.ImageRefRepository;
import dev.companion.download.repository.ProjectRefRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Read-your-writes for download-service's read models: an image the user names but image.complete has
 * not brought yet is asked of image-service (its "no" is 404, its absence 503 with Retry-After); the
 * names of the images' projects and chats, used only in file and folder names, are asked of
 * project-service and chat-service, and if those are away the id stands in for the name (a bundle is
 * never refused for a folder name). What the owners say is stored with the consumer's own upserts
 * (atomic, and a project's or chat's older state never overwrites a newer one), so the next request is local.
 * Blocking: called from the worker threads the downloads run on; the owners' answers are awaited there,
 * never on an event loop.
 */
@ApplicationScoped
public class KnownRefs {

    private static final Logger LOG = Logger.getLogger(KnownRefs.class);
    /** Longer than the clients' own timeout and retries: it only guards against an answer that never comes. */
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final BlockingDb db;
    private final ImageRefRepository images;
    private final ProjectRefRepository projects;
    private final ChatRefRepository chats;
    private final OwnerClients.Images imageOwner;
    private final OwnerClients.Projects projectOwner;
    private final OwnerClients.Chats chatOwner;

    public KnownRefs(BlockingDb db, ImageRefRepository images, ProjectRefRepository projects, ChatRefRepository chats,
                     @RestClient OwnerClients.Images imageOwner, @RestClient OwnerClients.Projects projectOwner,
                     @RestClient OwnerClients.Chats chatOwner) {
        this.db = db;
        this.images = images;
        this.projects = projects;
        this.chats = chats;
        this.imageOwner = imageOwner;
        this.projectOwner = projectOwner;
        this.chatOwner = chatOwner;
    }

    /**
     * Makes every id the user's image in the read model, asking image-service for the ones it lacks, in
     * the order asked: the first the owner refuses is the 404 (as for a bulk request today), nothing is made.
     */
    public void ensureImages(String userId, List<String> ids, String bearer) {
        Set<String> known = db.read(() -> images.findOwned(userId, ids)).stream().map(i -> i.id).collect(Collectors.toSet());
        List<ImageRef> learned = new ArrayList<>();
        for (String id : ids) {
            if (!known.contains(id)) {
                OwnerClients.Image image = await(OwnerLookup.ask("image-service", "Image", id,
                        () -> imageOwner.image(id, bearer, RequestIds.current()).ifNoItem().after(WAIT).fail())).data();
                learned.add(toRef(id, image, userId));
            }
        }
        if (!learned.isEmpty()) {
            // one after the other: a reactive session runs one statement at a time
            db.transaction(() -> {
                Uni<Void> chain = Uni.createFrom().voidItem();
                for (ImageRef ref : learned) {
                    chain = chain.flatMap(v -> images.upsert(ref));
                }
                return chain;
            });
        }
        ensureNames(userId, db.read(() -> images.findOwned(userId, ids)), bearer);
    }

    private void ensureNames(String userId, List<ImageRef> refs, String bearer) {
        Set<String> projectIds = refs.stream().map(i -> i.projectId).filter(x -> x != null).collect(Collectors.toSet());
        Set<String> chatIds = refs.stream().map(i -> i.chatId).filter(x -> x != null).collect(Collectors.toSet());
        Map<String, String> projectNames = db.read(() -> projects.namesOf(userId, projectIds));
        Map<String, String> chatNames = db.read(() -> chats.namesOf(userId, chatIds));
        for (String id : missing(projectIds, projectNames)) {
            OwnerClients.Named p = named("project-service", "Project", id, () -> projectOwner.project(id, bearer, RequestIds.current()));
            if (p != null) {
                db.transaction(() -> projects.upsert(id, userId, p.name() == null ? id : p.name(), updatedAt(p)));
            }
        }
        for (String id : missing(chatIds, chatNames)) {
            OwnerClients.Named c = named("chat-service", "Chat", id, () -> chatOwner.chat(id, bearer, RequestIds.current()));
            if (c != null) {
                db.transaction(() -> chats.upsert(id, userId, c.projectId(), c.name() == null ? id : c.name(), updatedAt(c)));
            }
        }
    }

    private static List<String> missing(Collection<String> ids, Map<String, String> known) {
        return ids.stream().filter(id -> !known.containsKey(id)).toList();
    }

    /** A name from its owner, or null (the id stands in) when the owner says no or is away. */
    private static OwnerClients.Named named(String owner, String resource, String id,
                                            Supplier<Uni<OwnerClients.Envelope<OwnerClients.Named>>> call) {
        try {
            return await(OwnerLookup.ask(owner, resource, id, () -> call.get().ifNoItem().after(WAIT).fail())).data();
        } catch (RuntimeException e) {
            LOG.debugf("%s %s: no name from %s (%s); the id stands in", resource, id, owner, e.getMessage());
            return null;
        }
    }

    /** On the calling worker thread; a failure comes out as the ApiException {@link OwnerLookup} made of it. */
    private static <T> T await(Uni<T> answer) {
        return answer.await().indefinitely();
    }

    /** The owner's updatedAt; without one, the epoch, so that any event about it counts as newer. */
    private static Instant updatedAt(OwnerClients.Named n) {
        try {
            return n.updatedAt() == null ? Instant.EPOCH : Instant.parse(n.updatedAt());
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    static ImageRef toRef(String askedId, OwnerClients.Image image, String userId) {
        if (image == null || image.storageKey() == null || image.storageKey().isBlank()) {
            // without the original's key there is nothing to convert: the owner cannot serve this yet
            LOG.warnf("image-service answered image %s without its storageKey", askedId);
            throw ApiException.unavailable("image-service", "Image", askedId, 2);
        }
        ImageRef ref = new ImageRef();
        ref.id = askedId;
        ref.userId = userId; // the owner answered for this caller's token: the image is the caller's
        ref.generationId = image.generationId();
        ref.chatId = image.chatId();
        ref.projectId = image.projectId();
        ref.prompt = image.prompt();
        ref.format = image.format();
        int[] size = ImageRef.dimensions(image.width(), image.height(), image.size());
        ref.width = size[0] > 0 ? size[0] : null;
        ref.height = size[1] > 0 ? size[1] : null;
        ref.bytes = image.bytes();
        ref.storageKey = image.storageKey();
        ref.createdAt = parse(image.createdAt());
        return ref;
    }

    private static Instant parse(String value) {
        try {
            return value == null ? Instant.now() : Instant.parse(value);
        } catch (RuntimeException e) {
            return Instant.now();
        }
    }
}
