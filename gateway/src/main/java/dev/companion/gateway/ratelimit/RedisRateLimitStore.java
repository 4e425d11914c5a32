package dev.companion.gateway.ratelimit;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;

import java.time.Duration;
import java.util.List;

/**
 * Store shared by several gateway replicas: one Lua script per hit (INCR, expiry set on the first
 * hit, remaining TTL), which Redis runs atomically, so replicas never over-admit. The window is
 * timed by Redis, not by the replicas' clocks.
 */
public class RedisRateLimitStore implements RateLimitStore {

    static final String SCRIPT = """
            local count = redis.call('INCR', KEYS[1])
            if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl < 0 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
              ttl = tonumber(ARGV[1])
            end
            return {count, ttl}
            """;

    /** Count and remaining TTL of every key, one round trip; a missing key answers {0, -1}. */
    static final String PEEK = """
            local out = {}
            for i, key in ipairs(KEYS) do
              local count = tonumber(redis.call('GET', key) or '0')
              local ttl = redis.call('PTTL', key)
              if count == 0 or ttl < 0 then count = 0; ttl = -1 end
              out[2 * i - 1] = count
              out[2 * i] = ttl
            end
            return out
            """;

    private final RedisAPI redis;
    private final String prefix;

    public RedisRateLimitStore(RedisAPI redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    @Override
    public Uni<Hit> hit(String key, Duration window) {
        return redis.eval(List.of(SCRIPT, "1", prefix + key, Long.toString(window.toMillis())))
                .map(RedisRateLimitStore::toHit);
    }

    @Override
    public Uni<List<Hit>> peek(List<String> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<String> args = new java.util.ArrayList<>(keys.size() + 2);
        args.add(PEEK);
        args.add(Integer.toString(keys.size()));
        keys.forEach(k -> args.add(prefix + k));
        return redis.eval(args).map(r -> {
            List<Hit> hits = new java.util.ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                hits.add(new Hit(r.get(2 * i).toLong(), r.get(2 * i + 1).toLong()));
            }
            return hits;
        });
    }

    private static Hit toHit(Response r) {
        return new Hit(r.get(0).toLong(), r.get(1).toLong());
    }
}
