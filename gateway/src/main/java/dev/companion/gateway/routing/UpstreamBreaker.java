package dev.companion.gateway.routing;

import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import jakarta.enterprise.util.TypeLiteral;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The circuit breaker of one service: a SmallRye Fault Tolerance {@link TypedGuard} around each
 * exchange with it (up to the answer's status line). Only an {@link UpstreamFailure} counts — a
 * connect failure, a timeout of the service, a status the config names (502/503/504 by default).
 * After {@code threshold} of them in a row the circuit opens for {@code openDuration}, then one
 * trial decides. Anything else the exchange ends with (the client went away, its body was too
 * large or too slow) is not the service's fault; the guard records it as a non-failure.
 */
public final class UpstreamBreaker {

    /** An outcome that says the service is unwell; carries the answer when there is one (5xx). */
    public static final class UpstreamFailure extends RuntimeException {
        private final transient Object answer;

        public UpstreamFailure(String message, Throwable cause, Object answer) {
            super(message, cause, false, false);
            this.answer = answer;
        }

        /** The service's answer (a 5xx) to pass on to the client, or null when there was none. */
        public Object answer() {
            return answer;
        }
    }

    private static final TypeLiteral<CompletionStage<Object>> EXCHANGE = new TypeLiteral<>() {
    };

    private final TypedGuard<CompletionStage<Object>> guard;
    private final long openMillis;
    private final LongSupplier clock;
    private volatile CircuitBreakerState state = CircuitBreakerState.CLOSED;
    private volatile long openedAt;
    private final AtomicLong timesOpened = new AtomicLong();

    public UpstreamBreaker(String service, int threshold, Duration openDuration, LongSupplier clock) {
        this.openMillis = openDuration.toMillis();
        this.clock = clock;
        int window = Math.max(1, threshold);
        this.guard = TypedGuard.create(EXCHANGE)
                .withDescription("gateway upstream " + service)
                .withCircuitBreaker()
                // all of the last `threshold` counted exchanges failed = `threshold` failures in a row
                .requestVolumeThreshold(window)
                .failureRatio(1.0)
                .successThreshold(1)
                .delay(openMillis, ChronoUnit.MILLIS)
                .when(UpstreamBreaker::isUpstreamFailure)
                .onStateChange(this::stateChanged)
                .done()
                .build();
    }

    /**
     * Runs {@code exchange} under the breaker. The stage fails with {@link CircuitBreakerOpenException}
     * without running it while the circuit is open.
     */
    @SuppressWarnings("unchecked")
    public <T> CompletionStage<T> call(Supplier<CompletionStage<T>> exchange) {
        return (CompletionStage<T>) (CompletionStage<?>) guard.get(() -> (CompletionStage<Object>) (CompletionStage<?>) exchange.get());
    }

    public CircuitBreakerState state() {
        return state;
    }

    /** How often the circuit has opened since start. */
    public long timesOpened() {
        return timesOpened.get();
    }

    /** Seconds until a trial request is let through (at least 1 while not closed, 0 when closed). */
    public long retryAfterSeconds() {
        return switch (state) {
            case CLOSED -> 0;
            case HALF_OPEN -> 1;
            case OPEN -> Math.max(1, (openedAt + openMillis - clock.getAsLong() + 999) / 1000);
        };
    }

    private void stateChanged(CircuitBreakerState newState) {
        if (newState == CircuitBreakerState.OPEN) {
            openedAt = clock.getAsLong();
            timesOpened.incrementAndGet();
        }
        state = newState;
    }

    static boolean isUpstreamFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UpstreamFailure) {
                return true;
            }
        }
        return false;
    }

    static boolean isOpenRefusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CircuitBreakerOpenException) {
                return true;
            }
        }
        return false;
    }
}
