package dev.companion.auth.service;

import dev.companion.auth.config.AuthConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Writes revoked access tokens into the Redis denylist the gateway reads: {@code <prefix><jti>}
 * with the token's own expiry ({@code PXAT}), so the list only ever holds tokens that would still
 * verify. Written on logout, on RFC 7009 revocation and when a refresh-token family is caught being
 * replayed.
 */
@ApplicationScoped
public class AccessTokenDenylist {

    private static final Logger LOG = Logger.getLogger(AccessTokenDenylist.class);

    /** An access token to end: its id and when it would have expired anyway. */
    public record Revoked(String jti, Instant expiresAt) {
    }

    private final RedisAPI redis;
    private final String prefix;

    public AccessTokenDenylist(RedisAPI redis, AuthConfig config) {
        this.redis = redis;
        this.prefix = config.revocation().keyPrefix();
    }

    /** Denylists every token that has not expired yet; fails when Redis cannot take them. */
    public Uni<Void> revoke(Collection<Revoked> tokens) {
        long now = System.currentTimeMillis();
        List<Uni<io.vertx.mutiny.redis.client.Response>> writes = new ArrayList<>();
        for (Revoked t : tokens) {
            if (t.jti() == null || t.expiresAt() == null || t.expiresAt().toEpochMilli() <= now) {
                continue;
            }
            writes.add(redis.set(List.of(prefix + t.jti(), "1", "PXAT", Long.toString(t.expiresAt().toEpochMilli()))));
        }
        if (writes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(writes).andFailFast().replaceWithVoid();
    }

    /** As {@link #revoke}, but a Redis failure is only logged (the caller's answer does not depend on it). */
    public Uni<Void> revokeQuietly(Collection<Revoked> tokens, String why) {
        return revoke(tokens).onFailure().recoverWithUni(e -> {
            LOG.errorf("could not denylist %d access tokens (%s): %s", tokens.size(), why, e.toString());
            return Uni.createFrom().voidItem();
        });
    }
}
