package dev.companion.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static dev.companion.auth.AuthFlow.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.*;

/** The extension's whole login as a browser drives it: register, authorize page, form, redirect, token, refresh, profile. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = {@ResourceArg(name = "database", value = "companion_auth"), @ResourceArg(name = "redis", value = "true")})
class BrowserFlowTest {

    @Test
    void registerLoginTokenRefreshProfile() throws Exception {
        String email = newEmail("flow");
        String userId = register(email);
        assertTrue(userId.startsWith("user_"));

        Pkce pkce = Pkce.create();
        Response login = login(email, PASSWORD, CLIENT, REDIRECT, "xyz-state", pkce);
        assertEquals(302, login.statusCode());
        String location = login.header("Location");
        assertTrue(location.startsWith(REDIRECT + "?"), location);
        Map<String, String> q = query(location);
        assertEquals("xyz-state", q.get("state"));

        // the seed's JSON body
        Response token = given().contentType("application/json")
                .body(Map.of("grant_type", "authorization_code", "code", q.get("code"), "client_id", CLIENT,
                        "redirect_uri", REDIRECT, "code_verifier", pkce.verifier()))
                .when().post("/v1/auth/token");
        token.then().statusCode(200).header("Cache-Control", "no-store")
                .body("token_type", is("Bearer")).body("expires_in", is(3600))
                .body("access_token", notNullValue()).body("refresh_token", notNullValue())
                .body("size()", is(4));
        String access = token.path("access_token");

        JsonNode header = decode(access, 0);
        JsonNode claims = decode(access, 1);
        assertEquals("RS256", header.get("alg").asText());
        assertNotNull(header.get("kid"));
        assertEquals(userId, claims.get("sub").asText());
        assertEquals("https://auth.companion.test", claims.get("iss").asText());
        assertEquals("companion-api", claims.get("aud").isArray() ? claims.get("aud").get(0).asText() : claims.get("aud").asText());
        // the extension is first-party: every user scope and agent (it is the browser agent), whatever it asked for
        assertEquals("projects chats images downloads agent", claims.get("scope").asText());
        assertEquals("free", claims.get("plan").asText());
        assertEquals("user", claims.get("groups").get(0).asText());
        assertEquals(3600, claims.get("exp").asLong() - claims.get("iat").asLong());
        assertNotNull(claims.get("jti"));

        given().header("Authorization", bearer(access)).when().get("/v1/user/profile")
                .then().statusCode(200).body("success", is(true))
                .body("data.id", is(userId)).body("data.email", is(email)).body("data.name", is("Test User"))
                .body("data.subscription", is("free"))
                .body("data.usage.projects", is(0)).body("data.usage.chats", is(0)).body("data.usage.images", is(0))
                .body("requestId", startsWith("req_"));

        // the seed's refresh call: a new pair, and the new access token works
        Response refreshed = given().contentType("application/json").body(Map.of("refresh_token", token.path("refresh_token")))
                .when().post("/v1/auth/refresh");
        refreshed.then().statusCode(200).body("token_type", is("Bearer")).body("expires_in", is(3600));
        assertNotEquals((String) token.path("refresh_token"), (String) refreshed.path("refresh_token"));
        given().header("Authorization", bearer(refreshed.path("access_token"))).when().get("/v1/user/profile")
                .then().statusCode(200).body("data.id", is(userId));

        // logout ends the session: the refresh token no longer works
        given().header("Authorization", bearer(refreshed.path("access_token"))).when().post("/v1/auth/logout")
                .then().statusCode(200).body("data.revokedTokens", is(1));
        given().contentType("application/json").body(Map.of("refresh_token", refreshed.path("refresh_token")))
                .when().post("/v1/auth/refresh").then().statusCode(400).body("error", is("invalid_grant"));
    }

    @Test
    void formEncodedTokenRequestAndChromeExtensionRedirect() {
        String email = newEmail("form");
        register(email);
        Pkce pkce = Pkce.create();
        Response login = login(email, PASSWORD, CLIENT, CHROME_REDIRECT, "s1", pkce);
        assertEquals(302, login.statusCode());
        assertTrue(login.header("Location").startsWith(CHROME_REDIRECT + "?code="));
        String code = query(login.header("Location")).get("code");

        given().contentType("application/x-www-form-urlencoded")
                .formParams(Map.of("grant_type", "authorization_code", "code", code, "client_id", CLIENT,
                        "redirect_uri", CHROME_REDIRECT, "code_verifier", pkce.verifier()))
                .when().post("/v1/auth/token")
                .then().statusCode(200).body("token_type", is("Bearer")).body("refresh_token", notNullValue());
    }

    @Test
    void confidentialClientUsesItsSecretAsInTheSeed() {
        String email = newEmail("web");
        register(email);
        Response login = login(email, PASSWORD, WEB_CLIENT, WEB_REDIRECT, "w1", null);
        assertEquals(302, login.statusCode());
        String code = query(login.header("Location")).get("code");
        // seed body: grant_type, code, client_id, client_secret (redirect_uri too, since the request named it)
        given().contentType("application/json")
                .body(Map.of("grant_type", "authorization_code", "code", code, "client_id", WEB_CLIENT,
                        "client_secret", WEB_SECRET, "redirect_uri", WEB_REDIRECT))
                .when().post("/v1/auth/token")
                .then().statusCode(200).body("access_token", notNullValue());
    }

    @Test
    void updatingTheNameShowsInTheProfile() throws Exception {
        Tokens t = loginNewUser(newEmail("rename"));
        String userId = (String) decode(t.accessToken(), 1).get("sub").asText();
        given().header("Authorization", bearer(t.accessToken())).contentType("application/json")
                .body(Map.of("name", "New Name")).when().patch("/v1/user/profile")
                .then().statusCode(200).body("data.name", is("New Name"));
        given().header("Authorization", bearer(t.accessToken())).contentType("application/json")
                .body(Map.of("name", "")).when().patch("/v1/user/profile")
                .then().statusCode(400).body("error.code", is("VALIDATION_ERROR")).body("error.details.field", is("name"));
        given().header("Authorization", bearer(t.accessToken())).when().get("/v1/user/profile")
                .then().statusCode(200).body("data.name", is("New Name"));
        java.util.List<JsonNode> updated = KafkaEvents.await("user.events",
                e -> userId.equals(e.path("userId").asText()) && "user.updated".equals(e.path("type").asText()),
                java.time.Duration.ofSeconds(20));
        assertEquals(1, updated.size());
        assertEquals("New Name", updated.get(0).at("/data/name").asText());
    }

    @Test
    void denyingRedirectsWithAccessDenied() {
        Pkce pkce = Pkce.create();
        Response r = given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParams(Map.of("response_type", "code", "client_id", CLIENT, "redirect_uri", REDIRECT, "state", "d1",
                        "code_challenge", pkce.challenge(), "code_challenge_method", "S256", "decision", "deny"))
                .when().post("/v1/auth/authorize");
        assertEquals(302, r.statusCode());
        Map<String, String> q = query(r.header("Location"));
        assertEquals("access_denied", q.get("error"));
        assertEquals("d1", q.get("state"));
        assertNull(q.get("code"));
    }

    @Test
    void discoveryAndJwksDescribeTheServer() {
        given().when().get("/.well-known/openid-configuration").then().statusCode(200)
                .body("issuer", is("https://auth.companion.test"))
                .body("authorization_endpoint", is("http://localhost:8080/v1/auth/authorize"))
                .body("token_endpoint", is("http://localhost:8080/v1/auth/token"))
                .body("jwks_uri", is("http://localhost:8080/.well-known/jwks.json"))
                .body("code_challenge_methods_supported", contains("S256"));
        given().when().get("/.well-known/jwks.json").then().statusCode(200)
                .body("keys[0].kty", is("RSA")).body("keys[0].alg", is("RS256")).body("keys[0].use", is("sig"))
                .body("keys[0].kid", notNullValue()).body("keys[0].n", notNullValue()).body("keys[0].e", is("AQAB"));
    }

    static JsonNode decode(String jwt, int part) throws Exception {
        return new ObjectMapper().readTree(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[part]), StandardCharsets.UTF_8));
    }
}
