package dev.companion.common.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outbox backlog as two gauges, measured by the relay at the end of each run (every
 * {@code companion.outbox.interval} and after each commit-time wake-up), never by a scrape:
 * <ul>
 *   <li>{@code companion_outbox_backlog}: rows not yet sent to Kafka;</li>
 *   <li>{@code companion_outbox_oldest_age_seconds}: age of the oldest of them (0 when none).</li>
 * </ul>
 * The table is shared by the service's replicas, so every replica reports the same backlog.
 */
@ApplicationScoped
public class OutboxMetrics {

    private static final Logger LOG = Logger.getLogger(OutboxMetrics.class);

    private final Pool pool;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestAgeMillis = new AtomicLong();

    public OutboxMetrics(Pool pool, MeterRegistry registry) {
        this.pool = pool;
        Gauge.builder("companion.outbox.backlog", backlog, AtomicLong::get)
                .description("Outbox rows not yet sent to Kafka (measured at the end of each relay run)")
                .register(registry);
        Gauge.builder("companion.outbox.oldest.age.seconds", oldestAgeMillis, a -> a.get() / 1000.0)
                .description("Age in seconds of the oldest outbox row not yet sent (0 when none)")
                .register(registry);
    }

    /** Counts the unsent rows (the partial index outbox_event_unsent). Blocking: call on a worker thread. */
    void measure() {
        try {
            Row row = pool.query("SELECT count(*) AS n, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)) * 1000, 0)::bigint AS age "
                            + "FROM outbox_event WHERE sent_at IS NULL")
                    .execute().await().atMost(Duration.ofSeconds(10)).iterator().next();
            backlog.set(row.getLong("n"));
            oldestAgeMillis.set(Math.max(0, row.getLong("age")));
        } catch (RuntimeException e) {
            LOG.debugf("outbox backlog not measured: %s", e.getMessage());
        }
    }

    long backlog() {
        return backlog.get();
    }
}
