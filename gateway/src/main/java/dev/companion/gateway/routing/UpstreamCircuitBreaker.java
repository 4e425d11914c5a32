package dev.companion.gateway.routing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Per-service circuit breaker: after {@code threshold} consecutive failures the circuit opens and
 * requests fail at once (503) for {@code openDuration}; then one trial request is let through,
 * and its outcome closes or re-opens the circuit. Lock-free: it sits on the event loop.
 */
public final class UpstreamCircuitBreaker {

    private final int threshold;
    private final long openMillis;
    private final LongSupplier clock;
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicLong openUntil = new AtomicLong(0);
    private final AtomicBoolean trialInFlight = new AtomicBoolean(false);

    public UpstreamCircuitBreaker(int threshold, Duration openDuration, LongSupplier clock) {
        this.threshold = Math.max(1, threshold);
        this.openMillis = openDuration.toMillis();
        this.clock = clock;
    }

    /** True if a request may go to the service now. */
    public boolean tryAcquire() {
        long until = openUntil.get();
        if (until == 0) {
            return true;
        }
        if (clock.getAsLong() < until) {
            return false;
        }
        // half-open: exactly one trial at a time
        return trialInFlight.compareAndSet(false, true);
    }

    public void onSuccess() {
        failures.set(0);
        openUntil.set(0);
        trialInFlight.set(false);
    }

    public void onFailure() {
        int n = failures.incrementAndGet();
        if (n >= threshold || openUntil.get() != 0) {
            openUntil.set(clock.getAsLong() + openMillis);
        }
        trialInFlight.set(false);
    }

    /** A request that ended without telling anything about the service (e.g. the client's body was too large). */
    public void abandon() {
        trialInFlight.set(false);
    }

    public boolean isOpen() {
        long until = openUntil.get();
        return until != 0 && clock.getAsLong() < until;
    }

    /** Milliseconds until a trial is allowed (0 when closed). */
    public long retryAfterMillis() {
        long until = openUntil.get();
        return until == 0 ? 0 : Math.max(0, until - clock.getAsLong());
    }
}
