package dev.companion.gateway.ratelimit;

/** The outcome of one request against its rule, with what the {@code X-RateLimit-*} headers say. */
public record RateLimitDecision(boolean allowed, long limit, long remaining, long resetEpochSeconds, long resetAfterSeconds) {
}
