package dev.companion.gateway.ratelimit;

import dev.companion.gateway.config.RateLimitConfig;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/** Chooses the store from {@code RATE_LIMIT_STORE}; the Redis client is only touched in Redis mode. */
@ApplicationScoped
public class RateLimitStoreProducer {

    @Produces
    @ApplicationScoped
    RateLimitStore store(RateLimitConfig config, Instance<RedisAPI> redis) {
        return switch (config.store()) {
            case memory -> new InMemoryRateLimitStore();
            case redis -> new RedisRateLimitStore(redis.get(), "companion:rl:");
        };
    }
}
