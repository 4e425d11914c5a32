package dev.companion.gateway;

import dev.companion.gateway.support.UpstreamStandIns;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import org.junit.jupiter.api.Test;

import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;

@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "redis", value = "true"))
@QuarkusTestResource(UpstreamStandIns.class)
class JwtEnforcementTest {

    private static final String USER = "user_jwttest00000000000000000";

    @Test
    void aMissingTokenIsUnauthorized() {
        given().when().get("/v1/projects").then().statusCode(401)
                .body("success", is(false))
                .body("error.code", is("UNAUTHORIZED"))
                .body("requestId", matchesPattern("req_.+"));
        given().header("Authorization", "Basic dXNlcjpwYXNz").when().get("/v1/chats").then().statusCode(401)
                .body("error.code", is("UNAUTHORIZED"));
    }

    @Test
    void anExpiredTokenIsUnauthorized() {
        given().header("Authorization", "Bearer " + TestTokens.expired(USER)).when().get("/v1/projects")
                .then().statusCode(401).body("error.code", is("UNAUTHORIZED"));
    }

    @Test
    void forgedTokensAreUnauthorized() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        PrivateKey foreign = gen.generateKeyPair().getPrivate();
        // right kid, wrong key
        String sameKid = Jwt.issuer(TestTokens.ISSUER).audience(TestTokens.AUDIENCE).subject(USER).groups(Set.of("user"))
                .expiresAt(Instant.now().plusSeconds(600)).jws().keyId(TestTokens.KID).sign(foreign);
        // a kid the JWKS does not know (forces a JWKS refresh, then fails)
        String unknownKid = Jwt.issuer(TestTokens.ISSUER).audience(TestTokens.AUDIENCE).subject(USER).groups(Set.of("user"))
                .expiresAt(Instant.now().plusSeconds(600)).jws().keyId("attacker-key").sign(foreign);
        // a valid token with its payload swapped for another user's
        String valid = TestTokens.forUser(USER);
        String other = TestTokens.forUser("user_someoneelse0000000000000");
        String[] a = valid.split("\\.");
        String[] b = other.split("\\.");
        String spliced = a[0] + "." + b[1] + "." + a[2];
        for (String token : new String[]{sameKid, unknownKid, spliced, "not.a.jwt", "garbage"}) {
            given().header("Authorization", "Bearer " + token).when().get("/v1/projects")
                    .then().statusCode(401).body("error.code", is("UNAUTHORIZED"));
        }
    }

    @Test
    void aValidTokenPassesAndTheServiceSeesTheSameHeader() {
        String token = TestTokens.forUser(USER);
        given().header("Authorization", "Bearer " + token).when().get("/v1/projects")
                .then().statusCode(200)
                .body("service", is("project-service"))
                .body("headers.authorization", is("Bearer " + token));
    }

    @Test
    void publicPathsNeedNoToken() {
        given().when().get("/.well-known/jwks.json").then().statusCode(200).body("service", is("auth-service"));
        given().when().post("/v1/auth/token").then().statusCode(200).body("service", is("auth-service"));
        given().when().get("/v1/health").then().statusCode(200);
    }
}
