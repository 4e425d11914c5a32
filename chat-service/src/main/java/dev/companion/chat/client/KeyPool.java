package dev.companion.chat.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * API keys of one provider, used round-robin; a key that got a 429 cools down (for Retry-After, or a
 * default) and is skipped until then. Thread-safe.
 */
public final class KeyPool {

    private final List<String> keys;
    private final Instant[] coolingUntil;
    private final AtomicInteger next = new AtomicInteger();
    private final Clock clock;

    public KeyPool(List<String> keys, Clock clock) {
        this.keys = List.copyOf(keys);
        this.coolingUntil = new Instant[keys.size()];
        this.clock = clock;
    }

    /** The next key not cooling down; {@code no-accounts} when there are none, {@code rate-limit} when all cool. */
    public synchronized String acquire() {
        if (keys.isEmpty()) {
            throw ProviderException.pool(PoolErrorType.NO_ACCOUNTS, "No API keys are configured for this provider");
        }
        Instant now = clock.instant();
        Instant earliest = null;
        for (int i = 0; i < keys.size(); i++) {
            int idx = Math.floorMod(next.getAndIncrement(), keys.size());
            Instant until = coolingUntil[idx];
            if (until == null || !until.isAfter(now)) {
                coolingUntil[idx] = null;
                return keys.get(idx);
            }
            earliest = earliest == null || until.isBefore(earliest) ? until : earliest;
        }
        long seconds = Math.max(1, Duration.between(now, earliest).toSeconds());
        throw ProviderException.pool(PoolErrorType.RATE_LIMIT,
                "Rate limit exceeded: every API key is cooling down (next in " + seconds + "s)");
    }

    /** Puts a key aside for {@code duration} (after a 429). */
    public synchronized void coolDown(String key, Duration duration) {
        int idx = keys.indexOf(key);
        if (idx >= 0) {
            coolingUntil[idx] = clock.instant().plus(duration);
        }
    }

    public int size() {
        return keys.size();
    }
}
