package dev.companion.gateway.ratelimit;

import io.smallrye.mutiny.Uni;

import java.time.Duration;

/**
 * Counters of a fixed window that starts at the first hit of a key. Every hit counts, so with
 * {@code count <= limit} as the admission rule exactly {@code limit} requests pass per window,
 * whatever the concurrency.
 */
public interface RateLimitStore {

    /** Counts one hit on {@code key}; answers the count in the current window and the time left in it. */
    Uni<Hit> hit(String key, Duration window);

    record Hit(long count, long resetAfterMillis) {
    }
}
