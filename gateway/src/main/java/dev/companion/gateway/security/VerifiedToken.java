package dev.companion.gateway.security;

import java.util.Set;

/**
 * What the gateway needs from a verified access token: its user, plan, granted scopes, its id
 * ({@code jti}, checked against the revocation list; null for tokens that have none) and expiry.
 */
public record VerifiedToken(String userId, String plan, Set<String> scopes, String jti, long expiresAtMillis) {

    public boolean grants(String scope) {
        return scope == null || scopes.contains(scope);
    }
}
