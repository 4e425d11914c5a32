package dev.companion.chat.service;

import dev.companion.chat.config.ChatConfig;
import dev.companion.chat.events.ChatEventPublisher;
import dev.companion.chat.model.Message;
import dev.companion.chat.model.MessageStatus;
import dev.companion.chat.repository.MessageRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;

/**
 * No answer stays "streaming" forever. Every process refreshes the rows of the answers it streams; an
 * answer whose row went stale was being streamed by a process that crashed or was killed, so it ends as
 * {@code error} ({@code interrupted}) with a {@code message.error} the client is told about. Runs shortly
 * after start (a restart after a crash) and then periodically (another replica's crash).
 */
@ApplicationScoped
public class StreamRecovery {

    private static final Logger LOG = Logger.getLogger(StreamRecovery.class);
    static final String INTERRUPTED = "interrupted";

    private final MessageRepository messages;
    private final ChatEventPublisher events;
    private final LiveStreams live;
    private final BackgroundWork background;
    private final ChatConfig config;
    private final Pool pool;

    public StreamRecovery(MessageRepository messages, ChatEventPublisher events, LiveStreams live, BackgroundWork background,
                          ChatConfig config, Pool pool) {
        this.pool = pool;
        this.messages = messages;
        this.events = events;
        this.live = live;
        this.background = background;
        this.config = config;
    }

    @Scheduled(every = "${companion.chat.streaming.heartbeat:10s}", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void heartbeat() {
        List<String> ids = live.liveMessageIds();
        if (ids.isEmpty()) {
            return;
        }
        // plain SQL on the reactive pool: one statement, no ORM session needed
        pool.preparedQuery("UPDATE message SET updated_at = now() WHERE id = ANY($1) AND status = $2")
                .execute(Tuple.of(ids.toArray(String[]::new), MessageStatus.STREAMING))
                .subscribe().with(rows -> { }, t -> LOG.debugf("heartbeat deferred: %s", t.getMessage()));
    }

    @Scheduled(every = "${companion.chat.streaming.sweep:15s}", delayed = "3s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        recoverStale().subscribe().with(n -> {
            if (n > 0) {
                LOG.infof("ended %d interrupted answers", n);
            }
        }, t -> LOG.debugf("sweep deferred: %s", t.getMessage()));
    }

    /** Ends every stale streaming answer not live in this process; returns how many. */
    public Uni<Integer> recoverStale() {
        Instant cutoff = Instant.now().minus(config.streaming().staleAfter());
        return background.run(null, () -> Panache.withTransaction(() -> messages.find(
                        "status = ?1 and updatedAt < ?2", MessageStatus.STREAMING, cutoff)
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).list()
                .flatMap(stale -> {
                    Uni<Integer> chain = Uni.createFrom().item(0);
                    for (Message m : stale) {
                        if (live.get(m.id).isPresent()) {
                            continue;
                        }
                        chain = chain.flatMap(n -> {
                            m.status = MessageStatus.ERROR;
                            m.errorCode = INTERRUPTED;
                            m.errorMessage = "The answer was interrupted (the service restarted); regenerate it";
                            m.updatedAt = Instant.now();
                            return events.messageError(m, INTERRUPTED, m.errorMessage).replaceWith(n + 1);
                        });
                    }
                    return chain;
                })));
    }
}
