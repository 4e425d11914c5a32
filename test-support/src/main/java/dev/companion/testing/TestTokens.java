package dev.companion.testing;

import io.smallrye.jwt.build.Jwt;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * JWTs for service tests, signed RS256 by a key pair generated per build (in {@code target/test-jwt},
 * never committed) and published as a JWKS file the service under test verifies against.
 */
public final class TestTokens {

    public static final String ISSUER = "https://auth.companion.test";
    public static final String AUDIENCE = "companion-api";
    public static final String KID = "test-key-1";

    private TestTokens() {
    }

    /** Config that points a service's JWT verification at the test JWKS. */
    public static Map<String, String> config() {
        Path jwks = ensureKeys().resolve("jwks.json");
        return Map.of("JWT_JWKS_URL", jwks.toUri().toString(),
                "JWT_ISSUER", ISSUER,
                "JWT_AUDIENCE", AUDIENCE);
    }

    /** Every scope a user can be granted (what a first-party login gets). */
    public static final String USER_SCOPES = "projects chats images downloads";

    /** A valid access token for {@code userId} with every user scope and the {@code user} role. */
    public static String forUser(String userId) {
        return token(userId, "free", Set.of("user"), Duration.ofHours(1));
    }

    public static String token(String userId, String plan, Set<String> groups, Duration ttl) {
        return token(userId, plan, groups, ttl, USER_SCOPES);
    }

    /** A valid token for {@code userId} that carries only {@code scope} (space separated; empty for none). */
    public static String withScope(String userId, String scope) {
        return token(userId, "free", Set.of("user"), Duration.ofHours(1), scope);
    }

    public static String token(String userId, String plan, Set<String> groups, Duration ttl, String scope) {
        Instant now = Instant.now();
        return Jwt.issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(userId)
                .groups(groups)
                .claim("scope", scope)
                .claim("plan", plan)
                .claim("jti", java.util.UUID.randomUUID().toString())
                .issuedAt(now)
                .expiresAt(now.plus(ttl))
                .jws().keyId(KID)
                .sign(privateKey());
    }

    /** A token that is expired. */
    public static String expired(String userId) {
        Instant past = Instant.now().minus(Duration.ofHours(2));
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject(userId).groups(Set.of("user"))
                .issuedAt(past).expiresAt(past.plus(Duration.ofMinutes(5)))
                .jws().keyId(KID).sign(privateKey());
    }

    static PrivateKey privateKey() {
        try {
            byte[] der = Base64.getDecoder().decode(Files.readString(ensureKeys().resolve("private.key")).trim());
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (Exception e) {
            throw new IllegalStateException("test key unreadable", e);
        }
    }

    static synchronized Path ensureKeys() {
        Path dir = Path.of("target", "test-jwt").toAbsolutePath();
        Path priv = dir.resolve("private.key");
        Path jwks = dir.resolve("jwks.json");
        if (Files.exists(priv) && Files.exists(jwks)) {
            return dir;
        }
        try {
            Files.createDirectories(dir);
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            KeyPair pair = gen.generateKeyPair();
            RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
            String json = "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + KID + "\",\"n\":\""
                    + b64(pub.getModulus()) + "\",\"e\":\"" + b64(pub.getPublicExponent()) + "\"}]}";
            Files.writeString(jwks, json);
            Files.writeString(priv, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
            return dir;
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
