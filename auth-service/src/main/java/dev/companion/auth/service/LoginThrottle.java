package dev.companion.auth.service;

import dev.companion.auth.config.AuthConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Exponential back-off of password guesses on three keys at once: the account from one client
 * address, the account from every address (each address counted once per failure streak, so one
 * attacker's address never slows the owner elsewhere), and the address over every account. No hard
 * lock. An attempt first <em>reserves</em> its place: in one transaction the three rows are locked
 * ({@code SELECT … FOR UPDATE}), refused if any is still blocked, otherwise counted as a failure
 * before the password is even checked; a success then gives the place back. So parallel guesses are
 * decided one after another and at most the free failures of a key are ever evaluated. Keys are
 * SHA-256 of the normalized email and the address, the same whether the account exists or not.
 */
@ApplicationScoped
public class LoginThrottle {

    private static final Logger LOG = Logger.getLogger(LoginThrottle.class);

    /** Whether the attempt may check its password; if not, how long to wait. */
    public record Decision(boolean allowed, Duration retryAfter) {
    }

    private record Key(String name, AuthConfig.Throttle policy) {
    }

    private record State(int failures, Instant blockedUntil) {
    }

    private final Pool pool;
    private final Vertx vertx;
    private final AuthConfig.Login config;
    private final java.time.Clock clock;
    private long cleanupTimer = -1;

    public LoginThrottle(Pool pool, Vertx vertx, AuthConfig config, java.time.Clock clock) {
        this.clock = clock;
        this.pool = pool;
        this.vertx = vertx;
        this.config = config.login();
    }

    static String accountKey(String normalizedEmail) {
        return "a:" + OpaqueTokens.sha256Hex(normalizedEmail);
    }

    static String accountAddressKey(String normalizedEmail, String address) {
        return "ai:" + OpaqueTokens.sha256Hex(normalizedEmail + "|" + address);
    }

    static String addressKey(String address) {
        return "i:" + OpaqueTokens.sha256Hex(address);
    }

    /** Reserves one guess for {@code email} from {@code address}, or says how long to wait. */
    public Uni<Decision> reserve(String normalizedEmail, String address) {
        Key accountAddress = new Key(accountAddressKey(normalizedEmail, address), config.accountAddress());
        Key account = new Key(accountKey(normalizedEmail), config.account());
        Key ip = new Key(addressKey(address), config.address());
        // one order for every transaction: no deadlock between attempts that share keys
        TreeMap<String, Key> keys = new TreeMap<>(Map.of(accountAddress.name(), accountAddress, account.name(), account, ip.name(), ip));
        String[] names = keys.keySet().toArray(new String[0]);
        return pool.withTransaction(conn -> lock(conn, names).flatMap(states -> {
            Instant now = clock.instant();
            Duration wait = Duration.ZERO;
            for (State s : states.values()) {
                if (s.blockedUntil() != null && s.blockedUntil().isAfter(now)) {
                    Duration left = Duration.between(now, s.blockedUntil());
                    wait = left.compareTo(wait) > 0 ? left : wait;
                }
            }
            if (!wait.isZero()) {
                return Uni.createFrom().item(new Decision(false, wait));
            }
            State pair = states.get(accountAddress.name());
            List<Tuple> updates = new ArrayList<>();
            updates.add(counted(accountAddress, pair, now));
            updates.add(counted(ip, states.get(ip.name()), now));
            if (pair.failures() == 0) {
                // the first failure of this address on this account: the account-wide key counts the address once
                updates.add(counted(account, states.get(account.name()), now));
            }
            return conn.preparedQuery("UPDATE login_throttle SET failures = $2, blocked_until = $3, updated_at = $4 WHERE throttle_key = $1")
                    .executeBatch(updates).replaceWith(new Decision(true, Duration.ZERO));
        }));
    }

    /** The password was right: the account's streaks end, and the address gets its reserved guess back. */
    public Uni<Void> succeeded(String normalizedEmail, String address) {
        OffsetDateTime now = OffsetDateTime.now(clock.withZone(ZoneOffset.UTC));
        String[] reset = {accountAddressKey(normalizedEmail, address), accountKey(normalizedEmail)};
        return pool.withTransaction(conn -> conn
                .preparedQuery("UPDATE login_throttle SET failures = 0, blocked_until = NULL, updated_at = $2 WHERE throttle_key = ANY($1)")
                .execute(Tuple.of(reset, now))
                .flatMap(r -> conn.preparedQuery("UPDATE login_throttle SET failures = GREATEST(failures - 1, 0), updated_at = $2 WHERE throttle_key = $1")
                        .execute(Tuple.of(addressKey(address), now))))
                .replaceWithVoid();
    }

    private Uni<Map<String, State>> lock(SqlConnection conn, String[] names) {
        OffsetDateTime now = OffsetDateTime.now(clock.withZone(ZoneOffset.UTC));
        return conn.preparedQuery("INSERT INTO login_throttle (throttle_key, failures, updated_at) "
                        + "SELECT k, 0, $2 FROM unnest($1::varchar[]) AS k ORDER BY k ON CONFLICT (throttle_key) DO NOTHING")
                .execute(Tuple.of(names, now))
                .flatMap(r -> conn.preparedQuery("SELECT throttle_key, failures, blocked_until, updated_at FROM login_throttle "
                                + "WHERE throttle_key = ANY($1) ORDER BY throttle_key FOR UPDATE")
                        .execute(Tuple.of((Object) names)))
                .map(rows -> {
                    Map<String, State> out = new HashMap<>();
                    Instant forgetBefore = clock.instant().minus(config.forgetAfter());
                    for (Row row : rows) {
                        OffsetDateTime blocked = row.getOffsetDateTime("blocked_until");
                        Instant updated = row.getOffsetDateTime("updated_at").toInstant();
                        boolean forgotten = updated.isBefore(forgetBefore) && (blocked == null || blocked.toInstant().isBefore(clock.instant()));
                        out.put(row.getString("throttle_key"), forgotten ? new State(0, null)
                                : new State(row.getInteger("failures"), blocked == null ? null : blocked.toInstant()));
                    }
                    return out;
                });
    }

    /** The key's row after one more failure: past its free failures, the next attempt waits base × 2^n (at most max). */
    private static Tuple counted(Key key, State state, Instant now) {
        int failures = state.failures() + 1;
        Instant blocked = null;
        int over = failures - key.policy().freeFailures();
        if (over >= 0) {
            Duration wait = key.policy().base().multipliedBy(1L << Math.min(over, 20));
            if (wait.compareTo(key.policy().max()) > 0) {
                wait = key.policy().max();
            }
            blocked = now.plus(wait);
        }
        return Tuple.of(key.name(), failures, blocked == null ? null : blocked.atOffset(ZoneOffset.UTC), now.atOffset(ZoneOffset.UTC));
    }

    void startCleanup(@Observes StartupEvent event) {
        long every = Math.max(60_000, config.forgetAfter().toMillis() / 4);
        cleanupTimer = vertx.setPeriodic(every, id -> pool
                .preparedQuery("DELETE FROM login_throttle WHERE updated_at < $1 AND (blocked_until IS NULL OR blocked_until < $2)")
                .execute(Tuple.of(OffsetDateTime.now(clock.withZone(ZoneOffset.UTC)).minus(config.forgetAfter()), OffsetDateTime.now(clock.withZone(ZoneOffset.UTC))))
                .subscribe().with(r -> LOG.debugf("forgot %d login throttle rows", r.rowCount()),
                        e -> LOG.warnf("login throttle cleanup failed: %s", e.toString())));
    }

    void stopCleanup(@Observes ShutdownEvent event) {
        if (cleanupTimer >= 0) {
            vertx.cancelTimer(cleanupTimer);
        }
    }
}
