package dev.companion.auth;

import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.companion.auth.AuthFlow.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.*;

/** Every way an authorization or code exchange can go wrong answers per RFC 6749 and never redirects to a stranger. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = {@ResourceArg(name = "database", value = "companion_auth"), @ResourceArg(name = "redis", value = "true")})
class AuthorizationErrorsTest {

    @Inject
    Pool pool;

    private static Response token(Map<String, String> body) {
        return given().contentType("application/json").body(body).when().post("/v1/auth/token");
    }

    private static Map<String, String> codeBody(String code, String verifier) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("grant_type", "authorization_code");
        m.put("code", code);
        m.put("client_id", CLIENT);
        m.put("redirect_uri", REDIRECT);
        m.put("code_verifier", verifier);
        return m;
    }

    @Test
    void wrongVerifierIsInvalidGrant() {
        String email = newEmail("verifier");
        register(email);
        Pkce pkce = Pkce.create();
        String code = code(email, pkce);
        token(codeBody(code, Pkce.create().verifier())).then().statusCode(400)
                .header("Cache-Control", "no-store")
                .body("error", is("invalid_grant")).body("error_description", containsString("code_verifier"));
        // and no verifier at all
        Map<String, String> noVerifier = codeBody(code, null);
        noVerifier.remove("code_verifier");
        token(noVerifier).then().statusCode(400).body("error", is("invalid_grant"));
    }

    @Test
    void reusedCodeIsRefusedAndRevokesWhatItIssued() {
        String email = newEmail("reuse");
        register(email);
        Pkce pkce = Pkce.create();
        String code = code(email, pkce);
        Response first = token(codeBody(code, pkce.verifier()));
        first.then().statusCode(200);
        token(codeBody(code, pkce.verifier())).then().statusCode(400).body("error", is("invalid_grant"))
                .body("error_description", containsString("already used"));
        // the tokens from the first exchange are revoked with it (RFC 6749 4.1.2)
        given().contentType("application/json").body(Map.of("refresh_token", first.path("refresh_token")))
                .when().post("/v1/auth/refresh").then().statusCode(400).body("error", is("invalid_grant"));
    }

    @Test
    void expiredCodeIsInvalidGrant() throws Exception {
        String email = newEmail("expired");
        register(email);
        Pkce pkce = Pkce.create();
        String code = code(email, pkce);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(code.getBytes(StandardCharsets.UTF_8)));
        // age the code past its TTL in the real database
        int updated = pool.preparedQuery("UPDATE authorization_code SET expires_at = now() - interval '1 second' WHERE code_hash = $1")
                .execute(Tuple.of(hash)).await().indefinitely().rowCount();
        assertEquals(1, updated);
        token(codeBody(code, pkce.verifier())).then().statusCode(400).body("error", is("invalid_grant"))
                .body("error_description", containsString("expired"));
    }

    @Test
    void mismatchedRedirectUriAtTheTokenEndpoint() {
        String email = newEmail("mismatch");
        register(email);
        Pkce pkce = Pkce.create();
        String code = code(email, pkce);
        Map<String, String> body = codeBody(code, pkce.verifier());
        body.put("redirect_uri", CHROME_REDIRECT);
        token(body).then().statusCode(400).body("error", is("invalid_grant")).body("error_description", containsString("redirect_uri"));
    }

    @Test
    void unregisteredRedirectUriIsShownNeverRedirected() {
        Pkce pkce = Pkce.create();
        for (String evil : new String[] {"https://evil.example/cb", REDIRECT + "x", "https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org.evil.example/"}) {
            Response r = given().redirects().follow(false)
                    .queryParams(Map.of("response_type", "code", "client_id", CLIENT, "redirect_uri", evil, "state", "s",
                            "code_challenge", pkce.challenge(), "code_challenge_method", "S256"))
                    .when().get("/v1/auth/authorize");
            assertEquals(400, r.statusCode());
            assertNull(r.header("Location"));
            assertTrue(r.asString().contains("redirect_uri is not registered"));
            // the form post is checked the same way
            Response post = given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                    .formParams(Map.of("response_type", "code", "client_id", CLIENT, "redirect_uri", evil, "state", "s",
                            "code_challenge", pkce.challenge(), "code_challenge_method", "S256",
                            "email", "a@b.c", "password", "whatever1", "decision", "approve"))
                    .when().post("/v1/auth/authorize");
            assertEquals(400, post.statusCode());
            assertNull(post.header("Location"));
        }
    }

    @Test
    void unknownClientIsShownNeverRedirected() {
        Response r = given().redirects().follow(false)
                .queryParams(Map.of("response_type", "code", "client_id", "nobody", "redirect_uri", REDIRECT))
                .when().get("/v1/auth/authorize");
        assertEquals(400, r.statusCode());
        assertNull(r.header("Location"));
        assertTrue(r.asString().contains("invalid_client"));
    }

    @Test
    void publicClientWithoutPkceGetsInvalidRequestAtItsRedirect() {
        Response r = given().redirects().follow(false)
                .queryParams(Map.of("response_type", "code", "client_id", CLIENT, "redirect_uri", REDIRECT, "state", "p1"))
                .when().get("/v1/auth/authorize");
        assertEquals(302, r.statusCode());
        Map<String, String> q = query(r.header("Location"));
        assertEquals("invalid_request", q.get("error"));
        assertEquals("p1", q.get("state"));
        Pkce pkce = Pkce.create();
        r = given().redirects().follow(false)
                .queryParams(Map.of("response_type", "code", "client_id", CLIENT, "redirect_uri", REDIRECT, "state", "p2",
                        "code_challenge", pkce.challenge(), "code_challenge_method", "plain"))
                .when().get("/v1/auth/authorize");
        assertEquals("invalid_request", query(r.header("Location")).get("error"));
    }

    @Test
    void unknownScopeAndResponseTypeAreReportedToTheClient() {
        Pkce pkce = Pkce.create();
        Response r = given().redirects().follow(false)
                .queryParams(Map.of("response_type", "code", "client_id", CLIENT, "redirect_uri", REDIRECT, "state", "s",
                        "scope", "projects superpowers", "code_challenge", pkce.challenge(), "code_challenge_method", "S256"))
                .when().get("/v1/auth/authorize");
        assertEquals("invalid_scope", query(r.header("Location")).get("error"));
        r = given().redirects().follow(false)
                .queryParams(Map.of("response_type", "token", "client_id", CLIENT, "redirect_uri", REDIRECT, "state", "s",
                        "code_challenge", pkce.challenge(), "code_challenge_method", "S256"))
                .when().get("/v1/auth/authorize");
        assertEquals("unsupported_response_type", query(r.header("Location")).get("error"));
    }

    @Test
    void wrongClientSecretIsInvalidClient() {
        String email = newEmail("secret");
        register(email);
        Response login = login(email, PASSWORD, WEB_CLIENT, WEB_REDIRECT, "w", null);
        String code = query(login.header("Location")).get("code");
        token(Map.of("grant_type", "authorization_code", "code", code, "client_id", WEB_CLIENT,
                "client_secret", "not-the-secret", "redirect_uri", WEB_REDIRECT))
                .then().statusCode(401).header("WWW-Authenticate", containsString("Basic"))
                .body("error", is("invalid_client"));
        // no secret at all
        token(Map.of("grant_type", "authorization_code", "code", code, "client_id", WEB_CLIENT, "redirect_uri", WEB_REDIRECT))
                .then().statusCode(401).body("error", is("invalid_client"));
        // Basic authentication with the right secret still works: the failures did not burn the code
        given().auth().preemptive().basic(WEB_CLIENT, WEB_SECRET).contentType("application/x-www-form-urlencoded")
                .formParams(Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", WEB_REDIRECT))
                .when().post("/v1/auth/token").then().statusCode(200).body("access_token", notNullValue());
    }

    @Test
    void codeOfOneClientCannotBeRedeemedByAnother() {
        String email = newEmail("cross");
        register(email);
        Response login = login(email, PASSWORD, WEB_CLIENT, WEB_REDIRECT, "w", null);
        String code = query(login.header("Location")).get("code");
        token(Map.of("grant_type", "authorization_code", "code", code, "client_id", CLIENT,
                "redirect_uri", WEB_REDIRECT, "code_verifier", Pkce.create().verifier()))
                .then().statusCode(400).body("error", is("invalid_grant"));
    }

    @Test
    void malformedTokenRequests() {
        token(Map.of("grant_type", "password", "username", "a", "password", "b"))
                .then().statusCode(400).body("error", is("unsupported_grant_type"));
        token(Map.of("code", "x")).then().statusCode(400).body("error", is("invalid_request"));
        token(Map.of("grant_type", "authorization_code", "client_id", CLIENT)).then().statusCode(400).body("error", is("invalid_request"));
        token(Map.of("grant_type", "authorization_code", "code", "nope", "client_id", CLIENT, "code_verifier", Pkce.create().verifier()))
                .then().statusCode(400).body("error", is("invalid_grant"));
        token(Map.of("grant_type", "authorization_code", "code", "nope", "client_id", "stranger"))
                .then().statusCode(401).body("error", is("invalid_client"));
        given().contentType("application/json").body("{not json").when().post("/v1/auth/token")
                .then().statusCode(400).body("error", is("invalid_request"));
    }

    @Test
    void wrongPasswordRerendersTheFormWithoutACode() {
        String email = newEmail("wrongpw");
        register(email);
        Response r = login(email, "not the password", CLIENT, REDIRECT, "s", Pkce.create());
        assertEquals(401, r.statusCode());
        assertNull(r.header("Location"));
        assertTrue(r.asString().contains("Wrong email or password"));
        assertEquals("DENY", r.header("X-Frame-Options"));
        // an unknown account answers exactly the same
        Response unknown = login(newEmail("ghost"), "not the password", CLIENT, REDIRECT, "s", Pkce.create());
        assertEquals(401, unknown.statusCode());
        assertTrue(unknown.asString().contains("Wrong email or password"));
    }
}
