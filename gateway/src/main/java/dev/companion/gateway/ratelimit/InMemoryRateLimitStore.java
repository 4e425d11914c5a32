package dev.companion.gateway.ratelimit;

import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Single-replica store: one {@link ConcurrentHashMap#compute} per hit, which is atomic per key,
 * so counts are exact under any concurrency. Expired windows are swept now and then.
 */
public class InMemoryRateLimitStore implements RateLimitStore {

    private static final int SWEEP_EVERY = 10_000;

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final AtomicLong hits = new AtomicLong();
    private final LongSupplier clock;

    public InMemoryRateLimitStore(LongSupplier clockMillis) {
        this.clock = clockMillis;
    }

    public InMemoryRateLimitStore() {
        this(System::currentTimeMillis);
    }

    @Override
    public Uni<Hit> hit(String key, Duration window) {
        return Uni.createFrom().item(hitNow(key, window));
    }

    /** The synchronous core, also used by the property tests. */
    public Hit hitNow(String key, Duration window) {
        long now = clock.getAsLong();
        Window w = windows.compute(key, (k, old) -> old == null || old.endsAt() <= now
                ? new Window(now + window.toMillis(), 1)
                : new Window(old.endsAt(), old.count() + 1));
        if (hits.incrementAndGet() % SWEEP_EVERY == 0) {
            windows.entrySet().removeIf(e -> e.getValue().endsAt() <= now);
        }
        return new Hit(w.count(), w.endsAt() - now);
    }

    @Override
    public Uni<java.util.List<Hit>> peek(java.util.List<String> keys) {
        long now = clock.getAsLong();
        return Uni.createFrom().item(keys.stream().map(key -> {
            Window w = windows.get(key);
            return w == null || w.endsAt() <= now ? new Hit(0, -1) : new Hit(w.count(), w.endsAt() - now);
        }).toList());
    }

    private record Window(long endsAt, long count) {
    }
}
