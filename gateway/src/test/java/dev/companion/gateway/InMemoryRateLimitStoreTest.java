package dev.companion.gateway;

import dev.companion.gateway.ratelimit.InMemoryRateLimitStore;
import dev.companion.gateway.ratelimit.RateLimitStore;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-memory store is exact under concurrency: admitted == min(limit, attempts), counts never repeat. */
class InMemoryRateLimitStoreTest {

    @Property(tries = 40)
    void concurrentHitsAdmitExactlyTheLimit(@ForAll @IntRange(min = 2, max = 8) int threads,
                                            @ForAll @IntRange(min = 1, max = 300) int hitsPerThread,
                                            @ForAll @IntRange(min = 1, max = 1000) int limit) throws Exception {
        InMemoryRateLimitStore store = new InMemoryRateLimitStore();
        ConcurrentLinkedQueue<Long> counts = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int t = 0; t < threads; t++) {
                pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < hitsPerThread; i++) {
                        counts.add(store.hitNow("user:u1", Duration.ofMinutes(1)).count());
                    }
                    return null;
                });
            }
            start.countDown();
            pool.shutdown();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        int total = threads * hitsPerThread;
        long admitted = counts.stream().filter(c -> c <= limit).count();
        assertEquals(Math.min(limit, total), admitted);
        // every hit got its own number: 1..total, no duplicates, none lost
        List<Long> sorted = new ArrayList<>(counts);
        sorted.sort(Long::compare);
        assertEquals(LongStream.rangeClosed(1, total).boxed().toList(), sorted);
    }

    @Property(tries = 50)
    void aNewWindowStartsAfterTheOldOneEnds(@ForAll @IntRange(min = 1, max = 50) int hits,
                                            @ForAll @IntRange(min = 1, max = 3600) int windowSeconds) {
        AtomicLong now = new AtomicLong(1_000_000);
        InMemoryRateLimitStore store = new InMemoryRateLimitStore(now::get);
        Duration window = Duration.ofSeconds(windowSeconds);
        RateLimitStore.Hit last = null;
        for (int i = 0; i < hits; i++) {
            last = store.hitNow("k", window);
        }
        assertEquals(hits, last.count());
        assertEquals(window.toMillis(), last.resetAfterMillis());
        now.addAndGet(window.toMillis() - 1);
        assertEquals(hits + 1, store.hitNow("k", window).count());
        now.addAndGet(1);
        RateLimitStore.Hit fresh = store.hitNow("k", window);
        assertEquals(1, fresh.count());
        assertEquals(window.toMillis(), fresh.resetAfterMillis());
        // keys never share a counter
        assertEquals(1, store.hitNow("other", window).count());
    }
}
