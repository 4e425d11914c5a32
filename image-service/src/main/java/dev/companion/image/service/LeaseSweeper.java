package dev.companion.image.service;

import dev.companion.common.outbox.Outbox;
import dev.companion.events.ErrorInfo;
import dev.companion.events.ImageFailed;
import dev.companion.image.config.ImageConfig;
import dev.companion.image.model.GenerationStatus;
import dev.companion.image.model.ImageGeneration;
import dev.companion.image.repository.GenerationRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;

/**
 * Finds jobs whose worker stopped heart-beating (crashed, killed, partitioned) and puts them back on
 * the queue with a fresh {@code image.requested}; after {@code max-attempts} the job fails instead.
 * Runs in every replica; {@code FOR UPDATE SKIP LOCKED} keeps two sweepers off the same row.
 */
@ApplicationScoped
public class LeaseSweeper {

    private static final Logger LOG = Logger.getLogger(LeaseSweeper.class);

    private final GenerationRepository generations;
    private final Outbox outbox;
    private final ImageConfig config;

    public LeaseSweeper(GenerationRepository generations, Outbox outbox, ImageConfig config) {
        this.generations = generations;
        this.outbox = outbox;
        this.config = config;
    }

    @Scheduled(every = "${companion.image.worker.sweep-interval:5s}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return sweepOnce().onFailure().recoverWithItem(e -> {
            LOG.debugf("lease sweep deferred: %s", e.getMessage());
            return 0;
        }).replaceWithVoid();
    }

    /** One pass; returns how many jobs were re-queued or failed. */
    public Uni<Integer> sweepOnce() {
        return Panache.withTransaction(() -> generations.lockExpiredLeases(50).flatMap(expired -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (ImageGeneration g : expired) {
                chain = chain.flatMap(x -> release(g));
            }
            return chain.replaceWith(expired.size());
        }));
    }

    private Uni<Void> release(ImageGeneration g) {
        Instant now = Instant.now();
        LOG.warnf("lease of job %s held by %s expired (attempt %d)", g.id, g.workerId, g.attempts);
        g.workerId = null;
        g.leaseUntil = null;
        g.updatedAt = now;
        if (g.attempts >= config.worker().maxAttempts()) {
            g.status = GenerationStatus.FAILED.db();
            g.errorCode = "WORKER_LOST";
            g.errorMessage = "The job lost its worker " + g.attempts + " times";
            g.completedAt = now;
            return outbox.publish(new ImageFailed(g.id, new ErrorInfo(g.errorCode, g.errorMessage)), g.userId).replaceWithVoid();
        }
        g.status = GenerationStatus.QUEUED.db();
        g.progress = 0;
        return outbox.publish(GenerationService.requested(g), g.userId).replaceWithVoid();
    }
}
