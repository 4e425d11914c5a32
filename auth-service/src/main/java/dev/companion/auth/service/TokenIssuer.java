package dev.companion.auth.service;

import dev.companion.auth.config.AuthConfig;
import dev.companion.auth.model.User;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** Signs access tokens: RS256 with the current key's {@code kid}, claims as in docs/DEVELOPING.md "Tokens". */
@ApplicationScoped
public class TokenIssuer {

    private final AuthConfig config;
    private final SigningKeys keys;

    public TokenIssuer(AuthConfig config, SigningKeys keys) {
        this.config = config;
        this.keys = keys;
    }

    /** A signed access token with the id and expiry the revocation list needs. */
    public record AccessToken(String value, String jti, Instant expiresAt) {
    }

    public String accessToken(User user, String scope, Set<String> groups, Duration ttl) {
        return sign(user, scope, groups, ttl).value();
    }

    public AccessToken sign(User user, String scope, Set<String> groups, Duration ttl) {
        Instant now = Instant.now();
        Instant expires = Instant.ofEpochSecond(now.plus(ttl).getEpochSecond());
        String jti = UUID.randomUUID().toString();
        String value = Jwt.issuer(config.issuer())
                .audience(config.audience())
                .subject(user.id)
                .groups(groups)
                .claim("scope", scope)
                .claim("plan", user.plan)
                .issuedAt(now.getEpochSecond())
                .expiresAt(expires.getEpochSecond())
                .claim("jti", jti)
                .jws()
                .algorithm(SignatureAlgorithm.RS256)
                .keyId(keys.currentKid())
                .sign(keys.currentKey());
        return new AccessToken(value, jti, expires);
    }
}
