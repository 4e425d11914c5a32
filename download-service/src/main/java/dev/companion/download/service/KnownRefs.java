package dev.companion.download.service;

import dev.companion.common.client.OwnerLookup;
import dev.companion.common.web.RequestIds;
import dev.companion.download.client.OwnerClients;
import dev.companion.download.model.ChatRef;
import dev.companion.download.model.ImageRef;
import dev.companion.download.model.ProjectRef;
import dev.companion.download.repository.BlockingDb;
import dev.companion.download.repository.ChatRefRepository;
import dev.companion.download.repository.ImageRefRepository;
import dev.companion.download.repository.ProjectRefRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Read-your-writes for download-service's read models: an image the user names but image.complete has
 * not brought yet is asked of image-service (its "no" is 404, its absence 503 with Retry-After); the
 * names of the images' projects and chats, used only in file and folder names, are asked of
 * project-service and chat-service, and if those are away the id stands in for the name (a bundle is
 * never refused for a folder name). What the owners say is stored, so the next request is local.
 * Blocking: called from the worker threads the downloads run on.
 */
@ApplicationScoped
public class KnownRefs {

    private static final Logger LOG = Logger.getLogger(KnownRefs.class);
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

    /** Makes every id the user's image in the read model, asking image-service for the ones it lacks. */
    public void ensureImages(String userId, List<String> ids, String bearer) {
        Set<String> known = db.read(() -> images.findOwned(userId, ids)).stream().map(i -> i.id).collect(Collectors.toSet());
        List<ImageRef> learned = ids.stream().filter(id -> !known.contains(id)).map(id -> {
            OwnerClients.Image image = OwnerLookup.ask("image-service", "Image", id,
                    () -> imageOwner.image(id, bearer, RequestIds.current())).await().atMost(WAIT).data();
            return toRef(image, userId);
        }).toList();
        if (!learned.isEmpty()) {
            db.transaction(() -> io.smallrye.mutiny.Uni.join().all(learned.stream()
                    .map(ref -> Panache.getSession().flatMap(s -> s.merge(ref))).toList()).andFailFast());
        }
        ensureNames(userId, db.read(() -> images.findOwned(userId, ids)), bearer);
    }

    private void ensureNames(String userId, List<ImageRef> refs, String bearer) {
        Set<String> projectIds = refs.stream().map(i -> i.projectId).filter(x -> x != null).collect(Collectors.toSet());
        Set<String> chatIds = refs.stream().map(i -> i.chatId).filter(x -> x != null).collect(Collectors.toSet());
        Map<String, String> projectNames = db.read(() -> projects.namesOf(userId, projectIds));
        Map<String, String> chatNames = db.read(() -> chats.namesOf(userId, chatIds));
        for (String id : missing(projectIds, projectNames)) {
            OwnerClients.Named p = named("project-service", "Project", id,
                    () -> projectOwner.project(id, bearer, RequestIds.current()).await().atMost(WAIT).data());
            if (p != null) {
                ProjectRef ref = new ProjectRef();
                ref.id = id;
                ref.userId = userId;
                ref.name = p.name() == null ? id : p.name();
                db.transaction(() -> Panache.getSession().flatMap(s -> s.merge(ref)));
            }
        }
        for (String id : missing(chatIds, chatNames)) {
            OwnerClients.Named c = named("chat-service", "Chat", id,
                    () -> chatOwner.chat(id, bearer, RequestIds.current()).await().atMost(WAIT).data());
            if (c != null) {
                ChatRef ref = new ChatRef();
                ref.id = id;
                ref.userId = userId;
                ref.projectId = c.projectId();
                ref.name = c.name() == null ? id : c.name();
                db.transaction(() -> Panache.getSession().flatMap(s -> s.merge(ref)));
            }
        }
    }

    private static List<String> missing(Collection<String> ids, Map<String, String> known) {
        return ids.stream().filter(id -> !known.containsKey(id)).toList();
    }

    /** A name from its owner, or null (the id stands in) when the owner says no or is away. */
    private static OwnerClients.Named named(String owner, String resource, String id, java.util.function.Supplier<OwnerClients.Named> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            LOG.debugf("%s %s: no name from %s (%s); the id stands in", resource, id, owner, e.getMessage());
            return null;
        }
    }

    static ImageRef toRef(OwnerClients.Image image, String userId) {
        ImageRef ref = new ImageRef();
        ref.id = image.id();
        ref.userId = userId;
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
