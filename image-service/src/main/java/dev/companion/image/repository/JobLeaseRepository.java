package dev.companion.image.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The frequent, self-contained job statements (claim, lease heartbeat) on the plain reactive SQL client:
 * each is one atomic conditional UPDATE that needs no entity session and no outbox.
 */
@ApplicationScoped
public class JobLeaseRepository {

    private final Pool pool;

    public JobLeaseRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Takes the job for {@code workerId}: a queued generation, or a processing one whose lease ran out
     * (its worker is presumed dead). True if this worker now owns it.
     */
    public Uni<Boolean> claim(String id, String workerId, long leaseMillis) {
        return pool.preparedQuery("UPDATE image_generation SET status = 'processing', worker_id = $2, "
                        + "lease_until = now() + ($3 * interval '1 millisecond'), attempts = attempts + 1, "
                        + "started_at = now(), progress = 0, updated_at = now() "
                        + "WHERE id = $1 AND (status = 'queued' OR (status = 'processing' AND lease_until < now()))")
                .execute(Tuple.of(id, workerId, leaseMillis)).map(rows -> rows.rowCount() == 1);
    }

    /** Heartbeat of the owner; false when the job is no longer this worker's (cancelled, deleted or taken over). */
    public Uni<Boolean> extendLease(String id, String workerId, long leaseMillis, int progress) {
        return pool.preparedQuery("UPDATE image_generation SET lease_until = now() + ($3 * interval '1 millisecond'), "
                        + "progress = greatest(progress, $4), updated_at = now() "
                        + "WHERE id = $1 AND worker_id = $2 AND status = 'processing'")
                .execute(Tuple.of(id, workerId, leaseMillis, progress)).map(rows -> rows.rowCount() == 1);
    }
}
