package dev.companion.gateway.security;

/** What the gateway needs from a verified access token. */
public record VerifiedToken(String userId, String plan, long expiresAtMillis) {
}
