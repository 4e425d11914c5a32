package dev.companion.auth;

import dev.companion.auth.service.SigningKeys;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

import static dev.companion.auth.AuthFlow.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

/** Forged, altered, expired and misaddressed bearer tokens are refused with the seed's 401 UNAUTHORIZED envelope. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = {@ResourceArg(name = "database", value = "companion_auth"), @ResourceArg(name = "redis", value = "true")})
class TokenAttackTest {

    @Inject
    SigningKeys keys;

    private String userId;
    private String valid;

    @BeforeEach
    void login() {
        String email = newEmail("attack");
        Tokens t = loginNewUser(email);
        valid = t.accessToken();
        userId = given().header("Authorization", bearer(valid)).when().get("/v1/user/profile")
                .then().statusCode(200).extract().path("data.id");
    }

    private static void refused(String token) {
        given().header("Authorization", bearer(token)).when().get("/v1/user/profile")
                .then().statusCode(401).body("success", is(false)).body("error.code", is("UNAUTHORIZED"))
                .body("requestId", startsWith("req_")).body("timestamp", notNullValue());
    }

    private JwtClaimsBuilder claims(String issuer, String audience, long iat, long exp) {
        return Jwt.issuer(issuer).audience(audience).subject(userId).groups(Set.of("user", "admin"))
                .claim("scope", "projects chats images").claim("plan", "pro").issuedAt(iat).expiresAt(exp);
    }

    private String ours(JwtClaimsBuilder claims) {
        return claims.jws().algorithm(SignatureAlgorithm.RS256).keyId(keys.currentKid()).sign(keys.currentKey());
    }

    @Test
    void tamperedPayloadIsRefused() {
        String[] parts = valid.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"plan\":\"free\"", "\"plan\":\"pro\"");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        refused(forged);
        // and a flipped signature byte
        byte[] sig = Base64.getUrlDecoder().decode(parts[2]);
        sig[10] ^= 1;
        refused(parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig));
    }

    @Test
    void algNoneIsRefused() {
        String[] parts = valid.split("\\.");
        String header = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + keys.currentKid() + "\"}").getBytes(StandardCharsets.UTF_8));
        refused(header + "." + parts[1] + ".");
        refused(header + "." + parts[1]);
    }

    @Test
    void tokenSignedByAnotherKeyIsRefused() throws Exception {
        // the shared test-support key (same issuer and audience as this test config)
        refused(TestTokens.forUser(userId));
        // a fresh key that claims our kid
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        PrivateKey other = gen.generateKeyPair().getPrivate();
        long now = Instant.now().getEpochSecond();
        refused(claims(TestTokens.ISSUER, "companion-api", now, now + 600).jws().keyId(keys.currentKid()).sign(other));
    }

    @Test
    void expiredTokenIsRefused() {
        long now = Instant.now().getEpochSecond();
        refused(ours(claims(TestTokens.ISSUER, "companion-api", now - 7200, now - 3600)));
    }

    @Test
    void wrongIssuerOrAudienceIsRefused() {
        long now = Instant.now().getEpochSecond();
        refused(ours(claims("https://evil.example", "companion-api", now, now + 600)));
        refused(ours(claims(TestTokens.ISSUER, "another-api", now, now + 600)));
        // sanity: the same construction with the right issuer and audience is accepted
        given().header("Authorization", bearer(ours(claims(TestTokens.ISSUER, "companion-api", now, now + 600))))
                .when().get("/v1/user/profile").then().statusCode(200);
    }

    @Test
    void missingOrGarbageBearerIsRefused() {
        given().when().get("/v1/user/profile").then().statusCode(401).body("error.code", is("UNAUTHORIZED"));
        refused("garbage");
    }
}
