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

    /**
     * Reads the counters of {@code keys} without counting: one answer per key, in order; a key with no
     * open window answers count 0 and {@code resetAfterMillis} -1.
     */
    Uni<java.util.List<Hit>> peek(java.util.List<String> keys);

    record Hit(long count, long resetAfterMillis) {
    }
}
