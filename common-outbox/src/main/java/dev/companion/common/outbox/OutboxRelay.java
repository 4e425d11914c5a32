package dev.companion.common.outbox;


import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends outbox rows to Kafka in commit order and marks them sent. One replica relays at a time
 * (a PostgreSQL advisory lock held by the relaying transaction), so the order per key holds across
 * replicas. If Kafka is down the rows stay and go out when it is back; a crash between send and
 * mark sends a row twice, which consumers absorb by de-duplicating on the event id.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final long LOCK_KEY = 7_270_001L;

    private final Pool pool;
    private final EventProducer producer;
    private final int batchSize;
    private final AtomicBoolean running = new AtomicBoolean();

    public OutboxRelay(Pool pool, EventProducer producer,
                       @ConfigProperty(name = "companion.outbox.batch-size", defaultValue = "200") int batchSize) {
        this.pool = pool;
        this.producer = producer;
        this.batchSize = batchSize;
    }

    /** Asks for a relay run soon after a commit, instead of waiting for the next tick. */
    void nudge() {
        Infrastructure.getDefaultWorkerPool().schedule(this::relayQuietly, 20, TimeUnit.MILLISECONDS);
    }

    @Scheduled(every = "${companion.outbox.interval:1s}", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        relayQuietly();
    }

    private void relayQuietly() {
        try {
            while (relayOnce() >= batchSize) {
                // keep going while full batches come back
            }
        } catch (RuntimeException e) {
            LOG.debugf("outbox relay deferred: %s", e.getMessage());
        }
    }

    /** Relays one batch; returns how many rows were sent (0 if another replica holds the lock). Blocking. */
    public int relayOnce() {
        if (!running.compareAndSet(false, true)) {
            return 0;
        }
        try {
            return pool.withTransaction(this::relayBatch).await().atMost(Duration.ofSeconds(60));
        } finally {
            running.set(false);
        }
    }

    private Uni<Integer> relayBatch(SqlConnection conn) {
        return conn.preparedQuery("SELECT pg_try_advisory_xact_lock($1) AS locked").execute(Tuple.of(LOCK_KEY))
                .flatMap(lock -> {
                    if (!lock.iterator().next().getBoolean("locked")) {
                        return Uni.createFrom().item(List.<Row>of());
                    }
                    return conn.preparedQuery("SELECT seq, event_id, topic, event_key, event_type, payload FROM outbox_event "
                                    + "WHERE sent_at IS NULL ORDER BY seq LIMIT $1")
                            .execute(Tuple.of(batchSize))
                            .map(rows -> {
                                List<Row> list = new ArrayList<>();
                                rows.forEach(list::add);
                                return list;
                            });
                })
                .flatMap(rows -> rows.isEmpty() ? Uni.createFrom().item(0) : send(rows)
                        .flatMap(sent -> conn.preparedQuery("UPDATE outbox_event SET sent_at = now() WHERE seq = ANY($1)")
                                .execute(Tuple.of(rows.stream().map(r -> r.getLong("seq")).toArray(Long[]::new)))
                                .replaceWith(rows.size())));
    }

    private Uni<Integer> send(List<Row> rows) {
        return Uni.createFrom().item(() -> {
            KafkaProducer<String, String> p = producer.producer();
            List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
            for (Row r : rows) {
                ProducerRecord<String, String> record = new ProducerRecord<>(r.getString("topic"), r.getString("event_key"), r.getString("payload"));
                record.headers().add(new RecordHeader("ce_id", r.getString("event_id").getBytes(StandardCharsets.UTF_8)));
                record.headers().add(new RecordHeader("ce_type", r.getString("event_type").getBytes(StandardCharsets.UTF_8)));
                acks.add(p.send(record));
            }
            p.flush();
            for (Future<RecordMetadata> ack : acks) {
                try {
                    ack.get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("Kafka did not acknowledge: " + e.getMessage(), e);
                }
            }
            return rows.size();
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

}
