package dev.companion.chat.client;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The key pool: round robin, cooldown after a 429, the seed's typed pool errors. */
class KeyPoolTest {

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void roundRobinSkipsCoolingKeysUntilTheirCooldownEnds() {
        MutableClock clock = new MutableClock();
        KeyPool pool = new KeyPool(List.of("a", "b", "c"), clock);
        assertEquals("a", pool.acquire());
        assertEquals("b", pool.acquire());
        pool.coolDown("c", Duration.ofSeconds(30));
        assertEquals("a", pool.acquire());
        assertEquals("b", pool.acquire());
        clock.now = clock.now.plusSeconds(31);
        assertEquals("c", pool.acquire());
    }

    @Test
    void allCoolingIsRateLimitAndNoKeysIsNoAccounts() {
        MutableClock clock = new MutableClock();
        KeyPool pool = new KeyPool(List.of("a", "b"), clock);
        pool.coolDown("a", Duration.ofSeconds(10));
        pool.coolDown("b", Duration.ofSeconds(20));
        ProviderException e = assertThrows(ProviderException.class, pool::acquire);
        assertEquals(PoolErrorType.RATE_LIMIT, e.poolError());
        assertEquals("rate_limit", e.code());
        assertEquals("chatgpt:pool:rate-limit", e.poolError().type());

        ProviderException none = assertThrows(ProviderException.class, new KeyPool(List.of(), clock)::acquire);
        assertEquals(PoolErrorType.NO_ACCOUNTS, none.poolError());
        assertEquals("no_accounts", none.code());
    }

    @Test
    void retryAfterInSecondsOrAsADate() {
        assertEquals(Duration.ofSeconds(120), OpenAiCompatibleProvider.parseRetryAfter("120"));
        assertEquals(Duration.ofMillis(1500), OpenAiCompatibleProvider.parseRetryAfter("1.5"));
        assertEquals(null, OpenAiCompatibleProvider.parseRetryAfter("soon"));
        Duration fromDate = OpenAiCompatibleProvider.parseRetryAfter(
                java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(java.time.ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60)));
        assertEquals(true, fromDate.toSeconds() > 50 && fromDate.toSeconds() <= 60, String.valueOf(fromDate));
    }
}
