package dev.companion.image.service;

import dev.companion.common.api.ApiException;
import dev.companion.common.id.Ids;
import dev.companion.common.outbox.Outbox;
import dev.companion.events.ErrorInfo;
import dev.companion.events.ImageFailed;
import dev.companion.events.ImageOptions;
import dev.companion.events.ImageRequested;
import dev.companion.image.client.ImageProviders;
import dev.companion.image.config.ImageConfig;
import dev.companion.image.model.ChatRef;
import dev.companion.image.model.GenerationStatus;
import dev.companion.image.model.ImageGeneration;
import dev.companion.image.repository.ChatRefRepository;
import dev.companion.image.repository.GenerationRepository;
import dev.companion.image.repository.ImageRepository;
import dev.companion.image.repository.WorkerRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/** Accepting, reporting and cancelling generations (the API half). */
@ApplicationScoped
public class GenerationService {

    private final GenerationRepository generations;
    private final ImageRepository images;
    private final ChatRefRepository chats;
    private final WorkerRepository workers;
    private final Outbox outbox;
    private final ImageProviders providers;
    private final ImageConfig config;
    private final KnownChats knownChats;

    public GenerationService(GenerationRepository generations, ImageRepository images, ChatRefRepository chats,
                             WorkerRepository workers, Outbox outbox, ImageProviders providers,
                             ImageConfig config, KnownChats knownChats) {
        this.generations = generations;
        this.images = images;
        this.chats = chats;
        this.workers = workers;
        this.outbox = outbox;
        this.providers = providers;
        this.config = config;
        this.knownChats = knownChats;
    }

    /** Stores the request, queues the job through the outbox, and answers with the queue estimate. */
    public Uni<GenerationState> request(String userId, GenerationOrder req, String bearer) {
        GenerationOrder.Options o = req.options();
        String model = o == null || o.model() == null ? config.defaultModel() : o.model();
        if (!providers.knows(model)) {
            throw ApiException.validation("options.model", "enum", String.join("|", providers.models()),
                    "options.model must be one of " + providers.models());
        }
        // a chat created a moment ago may not be in the read model yet: its owner is asked first
        return knownChats.ensureOwned(req.chatId(), userId, bearer).flatMap(known -> Panache.withTransaction(() -> generations.lockUser(userId)
                .flatMap(x -> generations.countActiveForUser(userId))
                .flatMap(active -> {
                    if (active >= config.maxConcurrentPerUser()) {
                        // temporary: it clears as the user's jobs finish, so the client is told when to retry
                        return Uni.createFrom().failure(ApiException.tooMany("maxConcurrentGenerations",
                                config.maxConcurrentPerUser(), active, "Too many generations in progress; wait for one to finish",
                                (int) Math.max(1, config.limits().busyRetryAfter().toSeconds())));
                    }
                    return req.chatId() == null ? Uni.createFrom().nullItem() : chats.findOwned(req.chatId(), userId)
                            .onItem().ifNull().failWith(() -> ApiException.notFound("chat", req.chatId()));
                })
                .flatMap(chat -> {
                    ImageGeneration g = newGeneration(userId, req, model, (ChatRef) chat);
                    return generations.persist(g)
                            .flatMap(saved -> outbox.publish(requested(g), userId))
                            .flatMap(e -> generations.flush())
                            .flatMap(x -> estimate(g.id))
                            .map(est -> new GenerationState(g, List.of(), est.queuePosition(), est.seconds()));
                })));
    }

    public Uni<GenerationState> status(String userId, String id) {
        return Panache.withSession(() -> generations.findOwned(id, userId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("generation", id))
                .flatMap(g -> switch (g.state()) {
                    case COMPLETED -> images.findByGeneration(g.id).map(list -> new GenerationState(g, list, null, null));
                    case QUEUED, PROCESSING -> estimate(g.id).map(est -> new GenerationState(g, List.of(),
                            g.state() == GenerationStatus.QUEUED ? est.queuePosition() : null, est.seconds()));
                    default -> Uni.createFrom().item(new GenerationState(g, List.of(), null, null));
                }));
    }

    /** Cancels a generation that has not finished; a running job notices at its next heartbeat and discards its work. */
    public Uni<GenerationState> cancel(String userId, String id) {
        return Panache.withTransaction(() -> generations.findOwned(id, userId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("generation", id))
                .flatMap(g -> {
                    if (g.state().finished()) {
                        return Uni.createFrom().failure(ApiException.conflict("Generation is already " + g.status));
                    }
                    g.status = GenerationStatus.CANCELLED.db();
                    g.workerId = null;
                    g.leaseUntil = null;
                    g.errorCode = "CANCELLED";
                    g.errorMessage = "Cancelled by the user";
                    g.completedAt = Instant.now();
                    g.updatedAt = g.completedAt;
                    return outbox.publish(new ImageFailed(g.id, new ErrorInfo("CANCELLED", g.errorMessage)), userId)
                            .map(e -> new GenerationState(g, List.of(), null, null));
                }));
    }

    record Estimate(long queuePosition, int seconds) {
    }

    /** Position among queued jobs of all users, and the wait: recent mean duration × (jobs ahead / live workers + 1). */
    private Uni<Estimate> estimate(String id) {
        long window = config.worker().heartbeat().toMillis() * 3;
        return generations.countQueuedAhead(id)
                .flatMap(ahead -> generations.recentAverageSeconds()
                        .flatMap(avg -> workers.countLive(window).map(live -> {
                            double perJob = avg == null ? config.worker().defaultJobDuration().toMillis() / 1000.0 : avg;
                            long w = Math.max(1, live);
                            int seconds = (int) Math.ceil(perJob * ((double) ahead / w + 1));
                            return new Estimate(ahead, Math.max(1, seconds));
                        })));
    }

    private ImageGeneration newGeneration(String userId, GenerationOrder req, String model, ChatRef chat) {
        GenerationOrder.Options o = req.options();
        ImageGeneration g = new ImageGeneration();
        g.id = Ids.newId("img_gen");
        g.userId = userId;
        g.chatId = req.chatId();
        g.projectId = chat == null ? null : chat.projectId;
        g.prompt = req.prompt().trim();
        g.model = model;
        g.size = o == null || o.size() == null ? "1024x1024" : o.size();
        g.quality = o == null || o.quality() == null ? "standard" : o.quality();
        g.style = o == null || o.style() == null ? "vivid" : o.style();
        g.n = o == null || o.n() == null ? 1 : o.n();
        g.status = GenerationStatus.QUEUED.db();
        g.progress = 0;
        g.attempts = 0;
        g.createdAt = Instant.now();
        g.updatedAt = g.createdAt;
        return g;
    }

    /** The job of {@code g} on image.jobs (keyed by the generation), as the API queues it and the sweeper re-queues it. */
    static ImageRequested requested(ImageGeneration g) {
        return new ImageRequested(g.id, g.userId, g.prompt, g.chatId, g.projectId,
                new ImageOptions(g.model, g.size, g.quality, g.style, g.n));
    }
}
