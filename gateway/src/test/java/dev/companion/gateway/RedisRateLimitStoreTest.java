package dev.companion.gateway;

import dev.companion.gateway.ratelimit.RateLimitStore;
import dev.companion.gateway.ratelimit.RedisRateLimitStore;
import dev.companion.gateway.support.UpstreamStandIns;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.redis.client.RedisOptions;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two gateway replicas sharing one real Redis never over-admit: two independent Vert.x instances,
 * each with its own Redis connection and store, hammer the same key concurrently.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "redis", value = "true"))
@QuarkusTestResource(UpstreamStandIns.class)
class RedisRateLimitStoreTest {

    @Test
    void twoReplicasSharingRedisAdmitNoMoreThanTheLimit() throws Exception {
        String url = ConfigProvider.getConfig().getValue("REDIS_URL", String.class);
        Vertx vertxA = Vertx.vertx();
        Vertx vertxB = Vertx.vertx();
        Redis clientA = Redis.createClient(vertxA, options(url));
        Redis clientB = Redis.createClient(vertxB, options(url));
        RateLimitStore replicaA = new RedisRateLimitStore(RedisAPI.api(clientA), "test:rl:");
        RateLimitStore replicaB = new RedisRateLimitStore(RedisAPI.api(clientB), "test:rl:");
        String key = "images-generate:user:user_" + UUID.randomUUID();
        int limit = 100;
        int perThread = 60;
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<CompletableFuture<List<Long>>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                RateLimitStore store = t % 2 == 0 ? replicaA : replicaB;
                work.add(CompletableFuture.supplyAsync(() -> {
                    List<CompletableFuture<RateLimitStore.Hit>> inFlight = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        inFlight.add(store.hit(key, Duration.ofMinutes(5)).subscribeAsCompletionStage());
                    }
                    return inFlight.stream().map(CompletableFuture::join).map(RateLimitStore.Hit::count).toList();
                }, pool));
            }
            List<Long> counts = new ArrayList<>();
            for (CompletableFuture<List<Long>> w : work) {
                counts.addAll(w.get(60, TimeUnit.SECONDS));
            }
            long admitted = counts.stream().filter(c -> c <= limit).count();
            assertEquals(threads * perThread, counts.size());
            assertEquals(limit, admitted, "admitted must be exactly the limit, never more");
            assertEquals(counts.size(), counts.stream().distinct().count(), "every hit got its own count");

            RateLimitStore.Hit next = replicaA.hit(key, Duration.ofMinutes(5)).await().atMost(Duration.ofSeconds(5));
            assertTrue(next.resetAfterMillis() > 0 && next.resetAfterMillis() <= Duration.ofMinutes(5).toMillis());
        } finally {
            pool.shutdownNow();
            clientA.close();
            clientB.close();
            vertxA.closeAndAwait();
            vertxB.closeAndAwait();
        }
    }

    @Test
    void theWindowEndsInRedisNotInTheReplica() throws Exception {
        String url = ConfigProvider.getConfig().getValue("REDIS_URL", String.class);
        Vertx vertx = Vertx.vertx();
        Redis client = Redis.createClient(vertx, options(url));
        try {
            RateLimitStore store = new RedisRateLimitStore(RedisAPI.api(client), "test:rl:");
            String key = "auth:ip:" + UUID.randomUUID();
            assertEquals(1, store.hit(key, Duration.ofMillis(300)).await().atMost(Duration.ofSeconds(5)).count());
            assertEquals(2, store.hit(key, Duration.ofMillis(300)).await().atMost(Duration.ofSeconds(5)).count());
            // Redis ends the window (the key expires): no open window is left to read
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() ->
                    store.peek(List.of(key)).await().atMost(Duration.ofSeconds(5)).get(0).resetAfterMillis() < 0);
            assertEquals(1, store.hit(key, Duration.ofMillis(300)).await().atMost(Duration.ofSeconds(5)).count());
        } finally {
            client.close();
            vertx.closeAndAwait();
        }
    }

    /** Like the gateway's own client (application.properties): a pool big enough for bursts. */
    private static RedisOptions options(String url) {
        return new RedisOptions().setConnectionString(url).setMaxPoolSize(8).setMaxPoolWaiting(1024);
    }
}
