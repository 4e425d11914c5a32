package dev.companion.common.outbox;

import dev.companion.common.web.Traces;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends outbox rows to Kafka in commit order and marks them sent. One replica relays at a time
 * (a PostgreSQL advisory lock held by the relaying transaction), so the order per key holds across
 * replicas. If Kafka is down the rows stay and go out when it is back; a crash between send and
 * mark sends a row twice, which consumers absorb by de-duplicating on the event id.
 *
 * <p>The relay is woken at commit: a statement trigger on {@code outbox_event} NOTIFYs
 * {@value #CHANNEL}, which PostgreSQL delivers when the writing transaction commits, to every replica
 * that LISTENs. Wake-ups that arrive while a run is going coalesce into one more run, so no row waits
 * for the poll; the poll ({@code companion.outbox.interval}) is only the backstop for a listener that
 * is reconnecting. A row larger than Kafka accepts is refused with a WARN, not retried forever.
 *
 * <p>Topics named in {@code companion.outbox.spread-topics} are work queues, not histories: their rows
 * go to the topic's partitions in turn instead of by key, so every consumer of the group gets its share
 * (image.jobs: by generation id, 40 jobs over 8 partitions left one of four workers with 14 and another
 * with 6, and four workers finished barely 3× faster than one). Nothing there needs order by key. The
 * turn is one database sequence ({@code outbox_spread_turn}), so relays of several replicas (an API and
 * its workers) continue one round instead of each starting again at partition 0.
 */
@ApplicationScoped
public class OutboxRelay {

    static final String CHANNEL = "companion_outbox";
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final long LOCK_KEY = 7_270_001L;

    private final Pool pool;
    private final OutboxMetrics metrics;
    private final Vertx vertx;
    private final EventProducer producer;
    private final Tracer tracer;
    private final int batchSize;
    private final Optional<String> url;
    private final Optional<String> user;
    private final Optional<String> password;
    private final boolean listen;
    private final Set<String> spreadTopics;
    /** A run is going or queued; a wake-up during a run sets {@link #again}. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile PgSubscriber subscriber;

    public OutboxRelay(Pool pool, OutboxMetrics metrics, Vertx vertx, EventProducer producer, OpenTelemetry openTelemetry,
                       @ConfigProperty(name = "companion.outbox.batch-size", defaultValue = "200") int batchSize,
                       @ConfigProperty(name = "companion.outbox.listen", defaultValue = "true") boolean listen,
                       @ConfigProperty(name = "companion.outbox.spread-topics") Optional<List<String>> spreadTopics,
                       @ConfigProperty(name = "quarkus.datasource.reactive.url") Optional<String> url,
                       @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
                       @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.pool = pool;
        this.metrics = metrics;
        this.vertx = vertx;
        this.producer = producer;
        this.tracer = openTelemetry.getTracer("companion-outbox");
        this.batchSize = batchSize;
        this.listen = listen;
        this.spreadTopics = Set.copyOf(spreadTopics.orElse(List.of()));
        this.url = url;
        this.user = user;
        this.password = password;
    }

    void onStart(@Observes StartupEvent event) {
        if (!listen || url.isEmpty()) {
            return;
        }
        PgConnectOptions options = PgConnectOptions.fromUri(url.get().replaceFirst("^vertx-reactive:", ""));
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        PgSubscriber s = PgSubscriber.subscriber(vertx, options)
                // reconnect for ever, once a second; the poll covers the gap
                .reconnectPolicy(retries -> 1000L);
        s.channel(CHANNEL)
                .subscribeHandler(this::wake) // (re)subscribed: rows may have been written meanwhile
                .handler(payload -> wake());
        s.connect().subscribe().with(ok -> LOG.debugf("outbox relay listens on %s", CHANNEL),
                e -> LOG.warnf("outbox relay could not LISTEN (%s); relaying on the poll", e.getMessage()));
        subscriber = s;
    }

    void onStop(@Observes ShutdownEvent event) {
        PgSubscriber s = subscriber;
        if (s != null) {
            s.close().subscribe().with(x -> { }, e -> { });
        }
    }

    /** Asks for a relay run now; a run in progress runs once more when it ends. Never blocks. */
    public void wake() {
        again.set(true);
        if (scheduled.compareAndSet(false, true)) {
            Infrastructure.getDefaultWorkerPool().execute(this::drain);
        }
    }

    private void drain() {
        try {
            while (again.getAndSet(false)) {
                relayQuietly();
            }
            // piggy-backed on the run (on this worker thread, never on a scrape): the backlog it left
            metrics.measure();
        } finally {
            scheduled.set(false);
            // a wake-up between the last check and the reset must not be lost
            if (again.get() && scheduled.compareAndSet(false, true)) {
                Infrastructure.getDefaultWorkerPool().execute(this::drain);
            }
        }
    }

    @Scheduled(every = "${companion.outbox.interval:1s}", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        wake();
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

    /** Relays one batch; returns how many rows were handled (0 if another replica holds the lock). Blocking. */
    public int relayOnce() {
        if (!running.compareAndSet(false, true)) {
            again.set(true);
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
                    // rows of a work-queue topic draw their turn from one sequence shared by every replica
                    return conn.preparedQuery("SELECT seq, event_id, topic, event_key, event_type, payload, traceparent, "
                                    + "CASE WHEN topic = ANY($2) THEN nextval('outbox_spread_turn') END AS turn FROM outbox_event "
                                    + "WHERE sent_at IS NULL ORDER BY seq LIMIT $1")
                            .execute(Tuple.of(batchSize, spreadTopics.toArray(String[]::new)))
                            .map(rows -> {
                                List<Row> list = new ArrayList<>();
                                rows.forEach(list::add);
                                return list;
                            });
                })
                .flatMap(rows -> rows.isEmpty() ? Uni.createFrom().item(0) : send(rows)
                        .flatMap(outcome -> markSent(conn, rows, outcome)));
    }

    private Uni<Integer> markSent(SqlConnection conn, List<Row> rows, SendOutcome outcome) {
        Long[] all = rows.stream().map(r -> r.getLong("seq")).toArray(Long[]::new);
        Uni<?> sent = conn.preparedQuery("UPDATE outbox_event SET sent_at = now() WHERE seq = ANY($1)").execute(Tuple.of(all));
        if (outcome.refused().isEmpty()) {
            return sent.replaceWith(rows.size());
        }
        return sent.flatMap(x -> conn.preparedQuery("UPDATE outbox_event SET refused_reason = $2 WHERE seq = ANY($1)")
                        .execute(Tuple.of(outcome.refused().toArray(Long[]::new), "larger than Kafka's max.request.size")))
                .replaceWith(rows.size());
    }

    /** Which rows Kafka refused for good (too large); every other row was acknowledged. */
    private record SendOutcome(List<Long> refused) {
    }

    private Uni<SendOutcome> send(List<Row> rows) {
        return Uni.createFrom().item(() -> {
            KafkaProducer<String, String> p = producer.producer();
            List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
            List<Span> spans = new ArrayList<>(rows.size());
            for (Row r : rows) {
                String topic = r.getString("topic");
                Long turn = r.getLong("turn");
                Integer partition = turn == null ? null : (int) Math.floorMod(turn, (long) p.partitionsFor(topic).size());
                ProducerRecord<String, String> record = new ProducerRecord<>(topic, partition, r.getString("event_key"), r.getString("payload"));
                record.headers().add(new RecordHeader("ce_id", r.getString("event_id").getBytes(StandardCharsets.UTF_8)));
                record.headers().add(new RecordHeader("ce_type", r.getString("event_type").getBytes(StandardCharsets.UTF_8)));
                Span span = publishSpan(r, topic);
                spans.add(span);
                String traceparent = span == null ? null : Traces.traceparentOf(Context.root().with(span));
                if (traceparent != null) {
                    record.headers().add(new RecordHeader(Traces.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8)));
                }
                acks.add(p.send(record));
            }
            p.flush();
            List<Long> refused = new ArrayList<>();
            for (int i = 0; i < acks.size(); i++) {
                try {
                    acks.get(i).get(30, TimeUnit.SECONDS);
                    endSpan(spans.get(i), null);
                } catch (ExecutionException e) {
                    endSpan(spans.get(i), e.getCause());
                    if (!(e.getCause() instanceof RecordTooLargeException)) {
                        endSpans(spans, i + 1, e.getCause());
                        throw new IllegalStateException("Kafka did not acknowledge: " + e.getMessage(), e);
                    }
                    Row r = rows.get(i);
                    LOG.warnf("outbox: event %s (%s, %d bytes) is larger than Kafka accepts; refused, kept in outbox_event for inspection",
                            r.getString("event_id"), r.getString("event_type"), r.getString("payload").length());
                    refused.add(r.getLong("seq"));
                } catch (Exception e) {
                    endSpans(spans, i, e);
                    throw new IllegalStateException("Kafka did not acknowledge: " + e.getMessage(), e);
                }
            }
            return new SendOutcome(refused);
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /**
     * A PRODUCER span for one row, child of the span that wrote it (its stored traceparent), so the trace
     * runs request → outbox → Kafka → consumer; null for a row written without a trace (tracing off).
     */
    private Span publishSpan(Row r, String topic) {
        String stored = r.getString("traceparent");
        if (stored == null) {
            return null;
        }
        Context parent = Traces.fromTraceparent(stored);
        if (!Span.fromContext(parent).getSpanContext().isValid()) {
            return null;
        }
        return tracer.spanBuilder(topic + " publish")
                .setParent(parent)
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.destination.name", topic)
                .setAttribute("messaging.operation.type", "publish")
                .setAttribute("messaging.message.id", r.getString("event_id"))
                .setAttribute("companion.event_type", r.getString("event_type"))
                .startSpan();
    }

    private static void endSpan(Span span, Throwable failure) {
        if (span == null) {
            return;
        }
        if (failure != null) {
            span.recordException(failure);
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }

    private static void endSpans(List<Span> spans, int from, Throwable failure) {
        for (int j = from; j < spans.size(); j++) {
            endSpan(spans.get(j), failure);
        }
    }

}
