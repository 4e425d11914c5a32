package dev.companion.gateway.health;

import java.util.Map;

/** The seed's health answer ({@code status}, {@code version}, {@code timestamp}) plus each service's readiness. */
public record GatewayHealth(String status, String version, String timestamp, Map<String, ServiceHealth> services) {
}
