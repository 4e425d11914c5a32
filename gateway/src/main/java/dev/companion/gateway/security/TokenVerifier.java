package dev.companion.gateway.security;

import dev.companion.common.security.Scopes;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies bearer tokens of auth-service: RS256 signature against the cached JWKS (smallrye-jwt
 * refetches it when a token names an unknown {@code kid}), expiry, issuer and audience.
 * Verification may fetch the JWKS over HTTP, so it runs on a worker; a verified token is kept
 * until it expires so the hot path stays on the event loop.
 */
@ApplicationScoped
public class TokenVerifier {

    private static final int MAX_CACHED = 10_000;

    private final JWTParser parser;
    private final Vertx vertx;
    private final ConcurrentHashMap<String, VerifiedToken> verified = new ConcurrentHashMap<>();

    public TokenVerifier(JWTParser parser, Vertx vertx) {
        this.parser = parser;
        this.vertx = vertx;
    }

    /** The bearer token of an {@code Authorization} header value, or null. */
    public static String bearer(String authorization) {
        if (authorization == null || authorization.length() < 8 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    /** Completes with the verified token, or fails with {@link InvalidTokenException}. */
    public Future<VerifiedToken> verify(String token) {
        if (token == null) {
            return Future.failedFuture(new InvalidTokenException("Missing bearer token"));
        }
        VerifiedToken cached = verified.get(token);
        if (cached != null) {
            if (cached.expiresAtMillis() > System.currentTimeMillis()) {
                return Future.succeededFuture(cached);
            }
            verified.remove(token);
            return Future.failedFuture(new InvalidTokenException("Invalid or expired token"));
        }
        return vertx.executeBlocking(() -> parse(token), false);
    }

    private VerifiedToken parse(String token) {
        JsonWebToken jwt;
        try {
            jwt = parser.parse(token);
        } catch (ParseException | RuntimeException e) {
            throw new InvalidTokenException("Invalid or expired token");
        }
        if (jwt.getSubject() == null || jwt.getSubject().isBlank()) {
            throw new InvalidTokenException("Invalid or expired token");
        }
        Object plan = jwt.getClaim("plan");
        VerifiedToken v = new VerifiedToken(jwt.getSubject(), plan == null ? "free" : plan.toString().replace("\"", ""),
                Set.copyOf(Scopes.parse(jwt.getClaim("scope"))), jwt.getTokenID(), jwt.getExpirationTime() * 1000L);
        if (verified.size() >= MAX_CACHED) {
            verified.clear();
        }
        verified.put(token, v);
        return v;
    }

    /** A token that is missing, malformed, forged, expired or for another issuer/audience. */
    public static final class InvalidTokenException extends RuntimeException {
        public InvalidTokenException(String message) {
            super(message, null, false, false);
        }
    }
}
