package dev.companion.project;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.awaitility.Awaitility.await;

/** Waits for the clock, not for a fixed time: the next write gets a later timestamp than the last one. */
final class Ticks {

    private Ticks() {
    }

    /** Returns once the millisecond clock has moved past now (timestamps of writes made after it are later). */
    static void nextMillisecond() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(1)).pollDelay(Duration.ZERO)
                .until(() -> Instant.now().truncatedTo(ChronoUnit.MILLIS).isAfter(now));
    }
}
