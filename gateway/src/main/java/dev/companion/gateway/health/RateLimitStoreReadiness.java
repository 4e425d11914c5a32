package dev.companion.gateway.health;

import dev.companion.gateway.config.RateLimitConfig;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;
import java.util.List;

/** Readiness of the rate-limit store: always up in memory mode, a Redis PING in Redis mode. */
@Readiness
@ApplicationScoped
public class RateLimitStoreReadiness implements AsyncHealthCheck {

    private final RateLimitConfig config;
    private final Instance<RedisAPI> redis;

    public RateLimitStoreReadiness(RateLimitConfig config, Instance<RedisAPI> redis) {
        this.config = config;
        this.redis = redis;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        if (config.store() == RateLimitConfig.StoreKind.memory) {
            return Uni.createFrom().item(HealthCheckResponse.named("rate-limit-store").up().withData("store", "memory").build());
        }
        return redis.get().ping(List.of())
                .ifNoItem().after(Duration.ofSeconds(2)).fail()
                .map(r -> HealthCheckResponse.named("rate-limit-store").up().withData("store", "redis").build())
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named("rate-limit-store").down()
                        .withData("store", "redis").withData("error", e.toString()).build());
    }
}
