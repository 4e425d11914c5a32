package dev.companion.image.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** Worker liveness (image_worker), used to estimate waiting times. */
@ApplicationScoped
public class WorkerRepository {

    private final Pool pool;

    public WorkerRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> heartbeat(String workerId) {
        return pool.preparedQuery("INSERT INTO image_worker (worker_id, started_at, last_seen) VALUES ($1, now(), now()) "
                        + "ON CONFLICT (worker_id) DO UPDATE SET last_seen = now()")
                .execute(Tuple.of(workerId)).replaceWithVoid();
    }

    public Uni<Void> remove(String workerId) {
        return pool.preparedQuery("DELETE FROM image_worker WHERE worker_id = $1").execute(Tuple.of(workerId)).replaceWithVoid();
    }

    /** Workers seen within the window; long-gone rows are pruned on the way. */
    public Uni<Long> countLive(long windowMillis) {
        return pool.preparedQuery("DELETE FROM image_worker WHERE last_seen < now() - ($1 * interval '1 millisecond') * 20")
                .execute(Tuple.of(windowMillis))
                .flatMap(x -> pool.preparedQuery(
                                "SELECT count(*) AS live FROM image_worker WHERE last_seen >= now() - ($1 * interval '1 millisecond')")
                        .execute(Tuple.of(windowMillis)))
                .map(rows -> rows.iterator().next().getLong("live"));
    }
}
