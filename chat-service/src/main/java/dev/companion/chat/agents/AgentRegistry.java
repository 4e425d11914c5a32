package dev.companion.chat.agents;

import dev.companion.chat.config.AgentConfig;
import dev.companion.common.id.Ids;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The agents of every replica, in chat-service's database ({@code agent_connection}): registered when a
 * socket authenticates, refreshed by heartbeats, leased one prompt at a time (the least recently used idle
 * agent of the user, {@code FOR UPDATE SKIP LOCKED} so two replicas never lease the same one), removed when
 * the socket closes or its replica stops heartbeating.
 */
@ApplicationScoped
public class AgentRegistry {

    /** A row of {@code agent_connection}. */
    public record Agent(String id, String userId, String replicaId, String name, Instant connectedAt, Instant lastHeartbeat,
                        Instant lastMessageAt, String busyRequestId) {
        public boolean busy() {
            return busyRequestId != null;
        }
    }

    private static final String COLUMNS = "id, user_id, replica_id, name, connected_at, last_heartbeat, last_message_at, busy_request_id";

    private final Pool pool;
    private final AgentConfig config;
    /** This process; agents connected here carry it, and relay records are addressed to it. */
    private final String replicaId = Ids.newId("replica");

    public AgentRegistry(Pool pool, AgentConfig config) {
        this.pool = pool;
        this.config = config;
    }

    public String replicaId() {
        return replicaId;
    }

    public Uni<Agent> register(String userId, String name) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        String id = Ids.newId("agent");
        return pool.preparedQuery("INSERT INTO agent_connection (id, user_id, replica_id, name, connected_at, last_heartbeat) "
                        + "VALUES ($1, $2, $3, $4, $5, $5) RETURNING " + COLUMNS)
                .execute(Tuple.of(id, userId, replicaId, name, now)).map(AgentRegistry::first);
    }

    public Uni<Void> heartbeat(String agentId) {
        return pool.preparedQuery("UPDATE agent_connection SET last_heartbeat = now() WHERE id = $1")
                .execute(Tuple.of(agentId)).replaceWithVoid();
    }

    /** Heartbeats every agent of this replica at once (the replica is alive even if an agent is quiet). */
    public Uni<Void> heartbeatReplica() {
        return pool.preparedQuery("UPDATE agent_connection SET last_heartbeat = now() WHERE replica_id = $1")
                .execute(Tuple.of(replicaId)).replaceWithVoid();
    }

    public Uni<Void> remove(String agentId) {
        return pool.preparedQuery("DELETE FROM agent_connection WHERE id = $1").execute(Tuple.of(agentId)).replaceWithVoid();
    }

    /** Rows of replicas that stopped heartbeating (killed): they can never answer. */
    public Uni<Integer> sweepStale() {
        return pool.preparedQuery("DELETE FROM agent_connection WHERE last_heartbeat < now() - make_interval(secs => $1)")
                .execute(Tuple.of((double) config.heartbeatTimeout().toSeconds())).map(RowSet::rowCount);
    }

    /**
     * Leases the least recently used idle agent of {@code userId} for {@code requestId}, skipping
     * {@code exclude} (agents that already failed this prompt); null when there is none.
     */
    public Uni<Agent> lease(String userId, String requestId, List<String> exclude) {
        return pool.preparedQuery("UPDATE agent_connection SET busy_request_id = $2, busy_since = now(), last_message_at = now() "
                        + "WHERE id = (SELECT id FROM agent_connection WHERE user_id = $1 AND busy_request_id IS NULL "
                        + "AND last_heartbeat > now() - make_interval(secs => $3) AND NOT (id = ANY($4)) "
                        + "ORDER BY last_message_at ASC NULLS FIRST, connected_at ASC LIMIT 1 FOR UPDATE SKIP LOCKED) "
                        + "RETURNING " + COLUMNS)
                .execute(Tuple.of(userId, requestId, (double) config.heartbeatTimeout().toSeconds(), exclude.toArray(new String[0])))
                .map(rows -> rows.rowCount() == 0 ? null : first(rows));
    }

    /** Ends the lease of {@code requestId} (answered, failed or cancelled); the agent is idle again. */
    public Uni<Void> release(String agentId, String requestId) {
        return pool.preparedQuery("UPDATE agent_connection SET busy_request_id = NULL, busy_since = NULL, last_message_at = now() "
                        + "WHERE id = $1 AND busy_request_id = $2")
                .execute(Tuple.of(agentId, requestId)).replaceWithVoid();
    }

    public Uni<Void> touch(String agentId) {
        return pool.preparedQuery("UPDATE agent_connection SET last_message_at = now() WHERE id = $1")
                .execute(Tuple.of(agentId)).replaceWithVoid();
    }

    /** The agents of one user, or of everyone ({@code userId} null, for admins), oldest first. */
    public Uni<List<Agent>> list(String userId) {
        Uni<RowSet<Row>> rows = userId == null
                ? pool.preparedQuery("SELECT " + COLUMNS + " FROM agent_connection ORDER BY connected_at, id").execute()
                : pool.preparedQuery("SELECT " + COLUMNS + " FROM agent_connection WHERE user_id = $1 ORDER BY connected_at, id")
                .execute(Tuple.of(userId));
        return rows.map(set -> {
            List<Agent> out = new ArrayList<>();
            for (Row r : set) {
                out.add(of(r));
            }
            return out;
        });
    }

    private static Agent first(RowSet<Row> rows) {
        return of(rows.iterator().next());
    }

    private static Agent of(Row r) {
        return new Agent(r.getString("id"), r.getString("user_id"), r.getString("replica_id"), r.getString("name"),
                instant(r.getOffsetDateTime("connected_at")), instant(r.getOffsetDateTime("last_heartbeat")),
                instant(r.getOffsetDateTime("last_message_at")), r.getString("busy_request_id"));
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
