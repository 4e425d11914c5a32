package dev.companion.gateway.security;

import dev.companion.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shared denylist of access tokens: auth-service writes {@code <prefix><jti>} into Redis with the
 * token's own expiry when a user logs out or a refresh-token family is caught being replayed; the
 * gateway asks Redis about a token on a request (one {@code EXISTS}; a "not revoked" answer is reused
 * for {@code not-revoked-cache}, 1 s, so a busy token costs one lookup a second) and about the open sockets'
 * tokens periodically (one {@code MGET} per batch). A token once seen revoked is remembered locally
 * until it expires. If Redis cannot be reached the request is admitted with a warning, as for the
 * rate limits (availability over strictness; readiness shows the store down).
 */
@ApplicationScoped
public class RevocationList {

    private static final Logger LOG = Logger.getLogger(RevocationList.class);
    private static final int BATCH = 500;

    private final Instance<RedisAPI> redis;
    private final boolean enabled;
    private final String prefix;
    /** jti → expiry (epoch ms) of tokens known to be revoked. */
    private final ConcurrentHashMap<String, Long> known = new ConcurrentHashMap<>();
    /** jti → until when (epoch ms) a "not revoked" answer is reused: at most one lookup per token per interval. */
    private final ConcurrentHashMap<String, Long> clear = new ConcurrentHashMap<>();
    private final long clearForMillis;

    public RevocationList(Instance<RedisAPI> redis, GatewayConfig config) {
        this.redis = redis;
        this.enabled = config.revocation().enabled();
        this.prefix = config.revocation().keyPrefix();
        this.clearForMillis = config.revocation().notRevokedCache().toMillis();
    }

    public boolean enabled() {
        return enabled;
    }

    /** True when the token was revoked; a token without {@code jti} cannot be and never is. */
    public Uni<Boolean> isRevoked(VerifiedToken token) {
        if (!enabled || token == null || token.jti() == null) {
            return Uni.createFrom().item(false);
        }
        if (known.containsKey(token.jti())) {
            return Uni.createFrom().item(true);
        }
        long now = System.currentTimeMillis();
        Long clearUntil = clear.get(token.jti());
        if (clearUntil != null && clearUntil > now) {
            return Uni.createFrom().item(false);
        }
        return redis.get().exists(List.of(prefix + token.jti()))
                .map(r -> {
                    boolean revoked = r != null && r.toLong() > 0;
                    if (revoked) {
                        clear.remove(token.jti());
                        remember(token.jti(), token.expiresAtMillis());
                    } else if (clearForMillis > 0) {
                        if (clear.size() > 50_000) {
                            clear.values().removeIf(until -> until < now);
                        }
                        clear.put(token.jti(), now + clearForMillis);
                    }
                    return revoked;
                })
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("revocation list unavailable, token of %s admitted: %s", token.userId(), e.toString());
                    return false;
                });
    }

    /** Which of {@code tokens} are revoked (one MGET per batch); on a Redis failure none are. */
    public Uni<Set<String>> revokedAmong(List<VerifiedToken> tokens) {
        List<VerifiedToken> withJti = tokens.stream().filter(t -> t != null && t.jti() != null).toList();
        if (!enabled || withJti.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        List<Uni<Set<String>>> batches = new ArrayList<>();
        for (int from = 0; from < withJti.size(); from += BATCH) {
            List<VerifiedToken> batch = withJti.subList(from, Math.min(withJti.size(), from + BATCH));
            List<String> keys = batch.stream().map(t -> prefix + t.jti()).toList();
            batches.add(redis.get().mget(keys).map(r -> {
                Set<String> out = new HashSet<>();
                for (int i = 0; i < batch.size(); i++) {
                    Response v = r.get(i);
                    if (v != null) {
                        out.add(batch.get(i).jti());
                        remember(batch.get(i).jti(), batch.get(i).expiresAtMillis());
                    }
                }
                return out;
            }));
        }
        return Uni.join().all(batches).andFailFast().map(sets -> {
            Set<String> all = new HashSet<>();
            sets.forEach(all::addAll);
            return all;
        }).onFailure().recoverWithItem(e -> {
            LOG.warnf("revocation list unavailable for the socket check: %s", e.toString());
            return Set.of();
        });
    }

    private void remember(String jti, long expiresAtMillis) {
        long now = System.currentTimeMillis();
        if (known.size() > 10_000) {
            known.values().removeIf(exp -> exp < now);
        }
        known.put(jti, expiresAtMillis);
        clear.remove(jti);
    }
}
