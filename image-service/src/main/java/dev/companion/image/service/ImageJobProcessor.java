package dev.companion.image.service;

import dev.companion.common.api.ApiException;
import dev.companion.common.outbox.Outbox;
import dev.companion.events.ErrorInfo;
import dev.companion.events.ImageComplete;
import dev.companion.events.ImageFailed;
import dev.companion.events.ImageProgress;
import dev.companion.image.client.ImageProviders;
import dev.companion.image.client.ImageSpec;
import dev.companion.image.client.ImageStorage;
import dev.companion.image.client.ProviderException;
import dev.companion.image.config.ImageConfig;
import dev.companion.image.events.ProgressPublisher;
import dev.companion.image.mapping.ImageMapper;
import dev.companion.image.model.GenerationStatus;
import dev.companion.image.model.ImageGeneration;
import dev.companion.image.model.StoredImage;
import dev.companion.image.repository.GenerationRepository;
import dev.companion.image.repository.ImageRepository;
import dev.companion.image.repository.JobLeaseRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Runs one generation job on the calling (worker) thread: claim → render → store → complete, each
 * transition guarded by ownership, so a redelivered or taken-over job ends with exactly one set of images.
 */
@ApplicationScoped
public class ImageJobProcessor {

    private static final Logger LOG = Logger.getLogger(ImageJobProcessor.class);

    /** What became of a job delivery. */
    public enum Outcome { COMPLETED, FAILED, SKIPPED, LOST, ABANDONED }

    private final GenerationRepository generations;
    private final ImageRepository images;
    private final JobLeaseRepository leasesRepo;
    private final Outbox outbox;
    private final ImageProviders providers;
    private final ImageStorage storage;
    private final ImageMapper mapper;
    private final ProgressPublisher progress;
    private final ImageConfig config;
    private final ImageWork work;
    private final ScheduledExecutorService leases = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "image-lease-keeper");
        t.setDaemon(true);
        return t;
    });

    public ImageJobProcessor(GenerationRepository generations, ImageRepository images, JobLeaseRepository leasesRepo, Outbox outbox,
                             ImageProviders providers, ImageStorage storage, ImageMapper mapper,
                             ProgressPublisher progress, ImageConfig config, ImageWork work) {
        this.generations = generations;
        this.images = images;
        this.leasesRepo = leasesRepo;
        this.outbox = outbox;
        this.providers = providers;
        this.storage = storage;
        this.mapper = mapper;
        this.progress = progress;
        this.config = config;
        this.work = work;
    }

    /**
     * Processes the job for {@code generationId} as {@code workerId}. {@code alive} turns false when this
     * worker is being stopped: it then walks away without finishing (its lease expires, another worker takes over).
     */
    public Outcome process(String generationId, String workerId, String requestId, BooleanSupplier alive) {
        long leaseMs = config.worker().lease().toMillis();
        boolean claimed = leasesRepo.claim(generationId, workerId, leaseMs).await().atMost(Duration.ofSeconds(30));
        ImageGeneration g = claimed ? await(requestId, () -> Panache.withSession(() -> generations.findById(generationId))) : null;
        if (g == null) {
            LOG.debugf("job %s skipped by %s: finished, cancelled or owned by a live worker", generationId, workerId);
            return Outcome.SKIPPED;
        }
        LOG.infof("job %s claimed by %s (attempt %d)", generationId, workerId, g.attempts);
        AtomicBoolean owned = new AtomicBoolean(true);
        AtomicInteger lastProgress = new AtomicInteger(0);
        ScheduledFuture<?> keeper = leases.scheduleAtFixedRate(() -> {
            if (!alive.getAsBoolean()) {
                return; // a stopped worker stops heart-beating: its lease runs out
            }
            try {
                boolean still = leasesRepo.extendLease(generationId, workerId, leaseMs, lastProgress.get())
                        .await().atMost(Duration.ofSeconds(10));
                if (!still) {
                    owned.set(false);
                }
            } catch (RuntimeException e) {
                LOG.debugf("lease heartbeat for %s failed: %s", generationId, e.getMessage());
            }
        }, config.worker().heartbeat().toMillis(), config.worker().heartbeat().toMillis(), TimeUnit.MILLISECONDS);
        List<String> written = new ArrayList<>();
        try {
            report(g, requestId, 5, "generating", lastProgress);
            ImageSpec spec = new ImageSpec(g.prompt, providers.upstreamModel(g.model), g.width(), g.height(), g.quality, g.style, g.n);
            List<byte[]> rendered = providers.forModel(g.model).generate(spec, p -> {
                if (!owned.get() || !alive.getAsBoolean()) {
                    throw new JobLost(); // cancelled, taken over or stopping: no point drawing the rest
                }
                report(g, requestId, 5 + (int) (p * 0.75), "generating", lastProgress);
            });
            if (rendered.size() != g.n) {
                throw new ProviderException("PROVIDER_REJECTED", "provider returned " + rendered.size() + " of " + g.n + " images", false);
            }
            report(g, requestId, 85, "storing", lastProgress);
            List<StoredImage> stored = new ArrayList<>();
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            for (int i = 0; i < rendered.size(); i++) {
                stored.add(store(g, i, rendered.get(i), now, written));
            }
            if (!alive.getAsBoolean()) {
                return Outcome.ABANDONED;
            }
            if (!owned.get()) {
                storage.delete(written);
                return Outcome.LOST;
            }
            boolean done = await(requestId, () -> Panache.withTransaction(() -> complete(g, workerId, stored)));
            if (!done) {
                LOG.infof("job %s finished elsewhere or cancelled; %s discards its copy", generationId, workerId);
                storage.delete(written); // another worker owns the job now (or it was cancelled): our copies are orphans
                return Outcome.LOST;
            }
            LOG.infof("job %s completed by %s: %d image(s)", generationId, workerId, stored.size());
            return Outcome.COMPLETED;
        } catch (JobLost e) {
            safeDelete(written);
            LOG.infof("job %s given up by %s: %s", generationId, workerId, alive.getAsBoolean() ? "no longer owned" : "worker stopping");
            return alive.getAsBoolean() ? Outcome.LOST : Outcome.ABANDONED;
        } catch (ApiException e) {
            // the image work stayed full for longer than the job's patience: leave nothing behind, and the
            // worker keeps the record and tries the job again
            safeDelete(written);
            throw e;
        } catch (ProviderException | CircuitBreakerOpenException | IllegalArgumentException e) {
            String code = e instanceof ProviderException pe ? pe.code() : e instanceof CircuitBreakerOpenException
                    ? "SERVICE_UNAVAILABLE" : "PROVIDER_REJECTED";
            String message = e instanceof CircuitBreakerOpenException ? "Image provider temporarily unavailable" : e.getMessage();
            safeDelete(written);
            if (!alive.getAsBoolean()) {
                return Outcome.ABANDONED;
            }
            boolean failed = await(requestId, () -> Panache.withTransaction(() -> generations
                    .finishIfOwner(generationId, workerId, GenerationStatus.FAILED, code, message)
                    .flatMap(ok -> ok ? outbox.publish(new ImageFailed(g.id, new ErrorInfo(code, message)), g.userId).replaceWith(true)
                            : Uni.createFrom().item(false))));
            LOG.warnf("job %s failed (%s): %s", generationId, code, message);
            return failed ? Outcome.FAILED : Outcome.LOST;
        } finally {
            keeper.cancel(false);
        }
    }

    private Uni<Boolean> complete(ImageGeneration g, String workerId, List<StoredImage> stored) {
        return generations.finishIfOwner(g.id, workerId, GenerationStatus.COMPLETED, null, null).flatMap(ok -> {
            if (!ok) {
                return Uni.createFrom().item(false);
            }
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (StoredImage s : stored) {
                chain = chain.flatMap(x -> images.insertIfAbsent(s)).replaceWithVoid();
            }
            return chain.flatMap(x -> images.findByGeneration(g.id))
                    .flatMap(rows -> outbox.publish(new ImageComplete(g.id, g.chatId, g.projectId, g.prompt,
                            rows.stream().map(mapper::completed).toList()), g.userId))
                    .replaceWith(true);
        });
    }

    /** Uploads original and thumbnail under keys unique to this attempt; the image id is per slot. */
    private StoredImage store(ImageGeneration g, int index, byte[] bytes, Instant now, List<String> written) {
        String format = RenderedImages.sniffFormat(bytes);
        if (format == null || "webp".equals(format)) {
            throw new IllegalArgumentException("provider returned an unsupported image format");
        }
        // size and thumbnail from the decoded image: on the bounded work, within the decode budget
        Derived decoded = work.runPatiently(() -> {
            BufferedImage img = RenderedImages.decode(bytes, config.limits().maxDecodedBytes());
            return new Derived(img.getWidth(), img.getHeight(), RenderedImages.thumbnail(img, config.storage().thumbnailSize()));
        }, config.limits().jobConversionPatience());
        StoredImage s = new StoredImage();
        s.id = RenderedImages.imageId(g.id, index);
        s.generationId = g.id;
        s.idx = index;
        s.userId = g.userId;
        s.chatId = g.chatId;
        s.projectId = g.projectId;
        s.prompt = g.prompt;
        String ext = "jpeg".equals(format) ? "jpg" : format;
        // under the owner's prefix: consumers (download-service) only believe an image.complete whose keys lie
        // under the event user's users/<userId>/ and name its generation and image
        String dir = "users/" + g.userId + "/generations/" + g.id + "/a" + g.attempts + "/";
        s.storageKey = dir + s.id + "." + ext;
        s.thumbnailKey = dir + s.id + "_thumb.png";
        s.format = format;
        s.width = decoded.width();
        s.height = decoded.height();
        s.bytes = bytes.length;
        s.checksum = RenderedImages.sha256(bytes);
        s.createdAt = now;
        storage.put(s.storageKey, bytes, "image/" + format);
        written.add(s.storageKey);
        storage.put(s.thumbnailKey, decoded.thumbnail(), "image/png");
        written.add(s.thumbnailKey);
        return s;
    }

    /** What a job keeps of a decoded image: its size and its thumbnail (the raster itself is dropped at once). */
    private record Derived(int width, int height, byte[] thumbnail) {
    }

    private void report(ImageGeneration g, String requestId, int value, String status, AtomicInteger last) {
        if (value > last.get()) {
            last.set(value);
            progress.publish(g.userId, requestId, new ImageProgress(g.id, value, status));
        }
    }

    private void safeDelete(List<String> keys) {
        try {
            storage.delete(keys);
        } catch (RuntimeException e) {
            LOG.warnf("could not remove partial objects %s: %s", keys, e.getMessage());
        }
    }

    /** Thrown from the progress callback to stop a job this worker no longer owns. */
    static final class JobLost extends RuntimeException {
        JobLost() {
            super("job no longer owned", null, false, false);
        }
    }

    /** Runs reactive (Hibernate Reactive) work on a Vert.x duplicated context and waits for it. */
    <T> T await(String requestId, Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> {
                if (requestId != null) {
                    try {
                        ContextLocals.put("companion.requestId", requestId);
                    } catch (RuntimeException ignored) {
                        // not on a duplicated context: events simply carry no request id
                    }
                }
                return work.get();
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
