package dev.companion.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.companion.auth.AuthFlow.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.*;

/** Admins (the first one from the one-time setup token) manage API tokens that are exchanged via client_credentials. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = {@ResourceArg(name = "database", value = "companion_auth"), @ResourceArg(name = "redis", value = "true")})
class AdminApiTokenTest {


    private static Response clientCredentials(String id, String secret) {
        return given().contentType("application/x-www-form-urlencoded")
                .formParams(Map.of("grant_type", "client_credentials", "client_id", id, "client_secret", secret))
                .when().post("/v1/auth/token");
    }

    @Test
    void bootstrapAdminGetsTheAdminGroup() throws Exception {
        JsonNode claims = BrowserFlowTest.decode(adminToken(), 1);
        List<String> groups = new java.util.ArrayList<>();
        claims.get("groups").forEach(g -> groups.add(g.asText()));
        assertTrue(groups.containsAll(List.of("user", "admin")), groups.toString());
    }

    @Test
    void apiTokenLifecycle() throws Exception {
        String admin = adminToken();
        String email = newEmail("apiuser");
        String userId = register(email);

        Response created = given().header("Authorization", bearer(admin)).contentType("application/json")
                .body(Map.of("name", "CI bot")).when().post("/v1/admin/users/" + userId + "/tokens");
        created.then().statusCode(201).header("Location", containsString("/v1/admin/users/" + userId + "/tokens/key_"))
                .body("data.id", startsWith("key_")).body("data.token", startsWith("cmp_"))
                .body("data.userId", is(userId)).body("data.name", is("CI bot"));
        String id = created.path("data.id");
        String secret = created.path("data.token");

        // listing never shows the secret again
        given().header("Authorization", bearer(admin)).when().get("/v1/admin/users/" + userId + "/tokens")
                .then().statusCode(200).body("data.items", hasSize(1)).body("data.items[0].id", is(id))
                .body("data.items[0]", not(hasKey("token"))).body("data.pagination.total", is(1));

        // exchange: a short-lived JWT for the user, no refresh token, never admin
        Response exchanged = clientCredentials(id, secret);
        exchanged.then().statusCode(200).body("token_type", is("Bearer")).body("expires_in", is(900))
                .body("$", not(hasKey("refresh_token")));
        String access = exchanged.path("access_token");
        JsonNode claims = BrowserFlowTest.decode(access, 1);
        assertEquals(userId, claims.get("sub").asText());
        assertEquals("user", claims.get("groups").get(0).asText());
        assertEquals(1, claims.get("groups").size());
        given().header("Authorization", bearer(access)).when().get("/v1/user/profile")
                .then().statusCode(200).body("data.id", is(userId));

        // also with HTTP Basic client authentication
        given().auth().preemptive().basic(id, secret).contentType("application/x-www-form-urlencoded")
                .formParams(Map.of("grant_type", "client_credentials")).when().post("/v1/auth/token")
                .then().statusCode(200);

        clientCredentials(id, secret + "x").then().statusCode(401).body("error", is("invalid_client"));

        // deleting stops new exchanges at once
        given().header("Authorization", bearer(admin)).when().delete("/v1/admin/users/" + userId + "/tokens/" + id)
                .then().statusCode(200).body("data.id", is(id));
        clientCredentials(id, secret).then().statusCode(401).body("error", is("invalid_client"));
        given().header("Authorization", bearer(admin)).when().delete("/v1/admin/users/" + userId + "/tokens/" + id)
                .then().statusCode(404).body("error.code", is("NOT_FOUND"));
    }

    @Test
    void deletingAnApiTokenDenylistsTheAccessTokensExchangedFromIt() throws Exception {
        String admin = adminToken();
        String userId = register(newEmail("apirevoke"));
        Response first = given().header("Authorization", bearer(admin)).contentType("application/json")
                .body(Map.of("name", "agent")).when().post("/v1/admin/users/" + userId + "/tokens");
        Response second = given().header("Authorization", bearer(admin)).contentType("application/json")
                .body(Map.of("name", "kept")).when().post("/v1/admin/users/" + userId + "/tokens");
        String id = first.path("data.id");
        String secret = first.path("data.token");
        // two live JWTs of the deleted token (one by the secret alone, scope agent, as an agent gets it), one of the kept token
        String a = clientCredentials(id, secret).path("access_token");
        String b = given().contentType("application/x-www-form-urlencoded")
                .formParams(Map.of("grant_type", "client_credentials", "client_secret", secret, "scope", "agent"))
                .when().post("/v1/auth/token").then().statusCode(200).extract().path("access_token");
        String kept = clientCredentials(second.path("data.id"), second.path("data.token")).path("access_token");
        assertFalse(denylisted(a) || denylisted(b) || denylisted(kept));

        given().header("Authorization", bearer(admin)).when().delete("/v1/admin/users/" + userId + "/tokens/" + id)
                .then().statusCode(200);
        assertTrue(denylisted(a), "first JWT denylisted");
        assertTrue(denylisted(b), "agent JWT denylisted");
        assertFalse(denylisted(kept), "another token's JWT stays valid");
        // until the JWT would have expired anyway (900 s), not longer
        long ttl = redis.pttl("companion:revoked:" + BrowserFlowTest.decode(b, 1).get("jti").asText()).await().indefinitely().toLong();
        assertTrue(ttl > 0 && ttl <= 900_000, "ttl " + ttl);
    }

    @jakarta.inject.Inject
    io.vertx.mutiny.redis.client.RedisAPI redis;

    private boolean denylisted(String token) throws Exception {
        String jti = BrowserFlowTest.decode(token, 1).get("jti").asText();
        return redis.exists(List.of("companion:revoked:" + jti)).await().indefinitely().toLong() == 1;
    }

    @Test
    void nonAdminsAreForbiddenAndBadInputIsValidated() {
        Tokens user = loginNewUser(newEmail("plain"));
        given().header("Authorization", bearer(user.accessToken())).when().get("/v1/admin/users")
                .then().statusCode(403).body("error.code", is("FORBIDDEN"));
        given().when().get("/v1/admin/users").then().statusCode(401).body("error.code", is("UNAUTHORIZED"));

        String admin = adminToken();
        given().header("Authorization", bearer(admin)).contentType("application/json").body(Map.of("name", ""))
                .when().post("/v1/admin/users/user_nobody/tokens")
                .then().statusCode(400).body("error.code", is("VALIDATION_ERROR")).body("error.details.field", is("name"));
        given().header("Authorization", bearer(admin)).contentType("application/json").body(Map.of("name", "x"))
                .when().post("/v1/admin/users/user_" + UUID.randomUUID() + "/tokens")
                .then().statusCode(404).body("error.code", is("NOT_FOUND"));
        given().header("Authorization", bearer(admin)).when().get("/v1/admin/users?limit=500")
                .then().statusCode(400).body("error.details.field", is("limit")).body("error.details.value", is(100));
        given().header("Authorization", bearer(admin)).when().get("/v1/admin/users?limit=2")
                .then().statusCode(200).body("data.items", hasSize(2)).body("data.pagination.limit", is(2));
        // registered OAuth clients may not use client_credentials
        clientCredentials(WEB_CLIENT, WEB_SECRET).then().statusCode(400).body("error", is("unauthorized_client"));
    }

    @Test
    void rotatedKeyStaysPublishedSoEarlierTokensStillVerify() throws Exception {
        String admin = adminToken();
        String before = loginNewUser(newEmail("rot")).accessToken();
        String oldKid = BrowserFlowTest.decode(before, 0).get("kid").asText();

        String newKid = given().header("Authorization", bearer(admin)).when().post("/v1/admin/keys/rotate")
                .then().statusCode(200).extract().path("data.kid");
        assertNotEquals(oldKid, newKid);

        String after = loginNewUser(newEmail("rot2")).accessToken();
        assertEquals(newKid, BrowserFlowTest.decode(after, 0).get("kid").asText());

        String jwksJson = given().when().get("/.well-known/jwks.json").then().statusCode(200).extract().asString();
        JsonWebKeySet jwks = new JsonWebKeySet(jwksJson);
        assertEquals(newKid, jwks.getJsonWebKeys().get(0).getKeyId(), "the signing key comes first");
        for (String token : List.of(before, after)) {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setCompactSerialization(token);
            PublicJsonWebKey key = (PublicJsonWebKey) jwks.findJsonWebKey(jws.getKeyIdHeaderValue(), "RSA", "sig", "RS256");
            assertNotNull(key, "kid " + jws.getKeyIdHeaderValue() + " published");
            jws.setKey(key.getPublicKey());
            assertTrue(jws.verifySignature());
        }
        // both still accepted by a verifier using the JWKS
        given().header("Authorization", bearer(before)).when().get("/v1/user/profile").then().statusCode(200);
        given().header("Authorization", bearer(after)).when().get("/v1/user/profile").then().statusCode(200);
    }
}
