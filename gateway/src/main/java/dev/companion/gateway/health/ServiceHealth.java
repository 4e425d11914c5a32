package dev.companion.gateway.health;

/** Readiness of one service as the gateway saw it: {@code UP} or {@code DOWN}, with how long it took. */
public record ServiceHealth(String status, Integer httpStatus, long latencyMs) {
}
