package dev.companion.gateway;

import dev.companion.gateway.routing.UpstreamCircuitBreaker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpstreamCircuitBreakerTest {

    private final AtomicLong now = new AtomicLong(10_000);
    private final UpstreamCircuitBreaker breaker = new UpstreamCircuitBreaker(3, Duration.ofSeconds(5), now::get);

    @Test
    void opensAfterConsecutiveFailuresAndLetsOneTrialThroughLater() {
        breaker.onFailure();
        breaker.onFailure();
        breaker.onSuccess();
        breaker.onFailure();
        breaker.onFailure();
        assertTrue(breaker.tryAcquire(), "a success in between resets the count");
        breaker.onFailure();
        assertFalse(breaker.tryAcquire());
        assertEquals(5000, breaker.retryAfterMillis());

        now.addAndGet(5000);
        assertTrue(breaker.tryAcquire(), "half-open: one trial");
        assertFalse(breaker.tryAcquire(), "only one trial at a time");
        breaker.onFailure();
        assertFalse(breaker.tryAcquire(), "a failed trial re-opens the circuit");

        now.addAndGet(5000);
        assertTrue(breaker.tryAcquire());
        breaker.onSuccess();
        assertTrue(breaker.tryAcquire());
        assertTrue(breaker.tryAcquire());
        assertFalse(breaker.isOpen());
    }

    @Test
    void anAbandonedTrialLetsTheNextOneThrough() {
        breaker.onFailure();
        breaker.onFailure();
        breaker.onFailure();
        now.addAndGet(5000);
        assertTrue(breaker.tryAcquire());
        breaker.abandon();
        assertTrue(breaker.tryAcquire(), "a trial that said nothing about the service must not wedge the circuit");
    }
}
