package dev.companion.image.repository;

import dev.companion.image.model.GenerationStatus;
import dev.companion.image.model.ImageGeneration;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * Generations and the job state machine. Every transition a worker makes is one conditional UPDATE,
 * so two workers racing for the same job cannot both win.
 */
@ApplicationScoped
public class GenerationRepository implements PanacheRepositoryBase<ImageGeneration, String> {

    public Uni<ImageGeneration> findOwned(String id, String userId) {
        return find("id = ?1 and userId = ?2", id, userId).firstResult();
    }

    /** Serialises a user's requests inside the current transaction, so the concurrency cap holds under races. */
    public Uni<Void> lockUser(String userId) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(?1))")
                .setParameter(1, "image-user:" + userId).getSingleResult()).replaceWithVoid();
    }

    public Uni<Long> countActiveForUser(String userId) {
        return count("userId = ?1 and status in ('queued', 'processing')", userId);
    }

    /** Queued generations (of every user) that were requested before this one. */
    public Uni<Long> countQueuedAhead(String id) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                        "SELECT count(*) FROM image_generation WHERE status = 'queued' "
                                + "AND seq < (SELECT seq FROM image_generation WHERE id = ?1)", Long.class)
                .setParameter(1, id).getSingleResult());
    }

    /** Mean seconds from claim to completion over the last 20 completed jobs, or null if none. */
    public Uni<Double> recentAverageSeconds() {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                        "SELECT avg(extract(epoch FROM completed_at - started_at))::float8 FROM ("
                                + "SELECT completed_at, started_at FROM image_generation WHERE status = 'completed' "
                                + "AND started_at IS NOT NULL ORDER BY completed_at DESC LIMIT 20) recent", Double.class)
                .getSingleResult());
    }

    /**
     * Ends the job if {@code workerId} still owns it; true if this call made the transition. worker_id is kept
     * as the record of who finished it (the lease is what says a job is owned).
     */
    public Uni<Boolean> finishIfOwner(String id, String workerId, GenerationStatus to, String errorCode, String errorMessage) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                        "UPDATE image_generation SET status = ?3, progress = CASE WHEN ?3 = 'completed' THEN 100 ELSE progress END, "
                                + "lease_until = NULL, completed_at = now(), updated_at = now(), "
                                + "error_code = ?4, error_message = ?5 "
                                + "WHERE id = ?1 AND worker_id = ?2 AND status = 'processing'")
                .setParameter(1, id).setParameter(2, workerId).setParameter(3, to.db())
                .setParameter(4, errorCode).setParameter(5, errorMessage)
                .executeUpdate()).map(count -> count == 1);
    }

    /** Processing jobs whose worker stopped heart-beating, locked for this sweeper's transaction. */
    public Uni<List<ImageGeneration>> lockExpiredLeases(int limit) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                        "SELECT * FROM image_generation WHERE status = 'processing' AND lease_until < now() "
                                + "ORDER BY seq LIMIT ?1 FOR UPDATE SKIP LOCKED", ImageGeneration.class)
                .setParameter(1, limit).getResultList());
    }

    public Uni<List<ImageGeneration>> findByChat(String chatId) {
        return list("chatId", chatId);
    }

    public Uni<List<ImageGeneration>> findByProject(String projectId) {
        return list("projectId", projectId);
    }
}
