package dev.companion.auth;

import io.restassured.response.Response;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Drives the extension's login over HTTP the way a browser does: authorize page, form post, redirect, token.
 * Carries the module's {@link FreeHttpPort} (test resources apply to every test class).
 */
@io.quarkus.test.common.QuarkusTestResource(FreeHttpPort.class)
final class AuthFlow {

    static final String CLIENT = "companion-extension";
    static final String REDIRECT = "https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/";
    static final String CHROME_REDIRECT = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/callback";
    static final String WEB_CLIENT = "companion-web";
    static final String WEB_SECRET = "test-web-secret-0123456789";
    static final String WEB_REDIRECT = "https://web.companion.test/callback";
    static final String PASSWORD = "correct horse battery";

    record Pkce(String verifier, String challenge) {
        static Pkce create() {
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
                return new Pkce(verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    record Tokens(String accessToken, String refreshToken) {
    }

    private AuthFlow() {
    }

    static String newEmail(String tag) {
        return tag + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    /** Registers a user and returns its id. */
    static String register(String email) {
        return given().contentType("application/json")
                .body(Map.of("email", email, "password", PASSWORD, "name", "Test User"))
                .when().post("/v1/auth/register")
                .then().statusCode(201).extract().path("data.id");
    }

    /**
     * The client address a test login comes from (as the gateway's X-Forwarded-For): one per account,
     * so the per-address throttle of one test never meets another's failures.
     */
    static String addressOf(String email) {
        int h = email.hashCode();
        return "10." + ((h >>> 16) & 0xff) + "." + ((h >>> 8) & 0xff) + "." + (h & 0xff);
    }

    /** GET the authorize page (must render the form), then POST the form; returns the raw answer (302 expected). */
    static Response login(String email, String password, String clientId, String redirectUri, String state, Pkce pkce) {
        return login(email, password, clientId, redirectUri, state, pkce, addressOf(email), "projects chats images");
    }

    static Response login(String email, String password, String clientId, String redirectUri, String state, Pkce pkce,
                          String address, String scope) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", clientId);
        query.put("redirect_uri", redirectUri);
        if (scope != null) {
            query.put("scope", scope);
        }
        query.put("state", state);
        if (pkce != null) {
            query.put("code_challenge", pkce.challenge());
            query.put("code_challenge_method", "S256");
        }
        given().queryParams(query).redirects().follow(false)
                .when().get("/v1/auth/authorize")
                .then().statusCode(200).contentType("text/html")
                .body(org.hamcrest.Matchers.containsString("name=\"password\""));
        Map<String, String> form = new LinkedHashMap<>(query);
        form.put("email", email);
        form.put("password", password);
        form.put("decision", "approve");
        return given().redirects().follow(false).contentType("application/x-www-form-urlencoded").formParams(form)
                .header("X-Forwarded-For", address)
                .when().post("/v1/auth/authorize");
    }

    /** Logs in through the extension client and returns the authorization code from the redirect. */
    static String code(String email, Pkce pkce) {
        Response r = login(email, PASSWORD, CLIENT, REDIRECT, "st-" + UUID.randomUUID(), pkce);
        assertEquals(302, r.statusCode(), r.asString());
        Map<String, String> q = query(r.header("Location"));
        assertNotNull(q.get("code"));
        return q.get("code");
    }

    static Tokens exchange(String code, Pkce pkce) {
        Response r = given().contentType("application/json")
                .body(Map.of("grant_type", "authorization_code", "code", code, "client_id", CLIENT,
                        "redirect_uri", REDIRECT, "code_verifier", pkce.verifier()))
                .when().post("/v1/auth/token");
        assertEquals(200, r.statusCode(), r.asString());
        return new Tokens(r.path("access_token"), r.path("refresh_token"));
    }

    /** The whole browser flow for a new user: returns its tokens. */
    static Tokens loginNewUser(String email) {
        register(email);
        Pkce pkce = Pkce.create();
        return exchange(code(email, pkce), pkce);
    }

    static Map<String, String> query(String location) {
        Map<String, String> out = new LinkedHashMap<>();
        String q = URI.create(location).getRawQuery();
        if (q == null) {
            return out;
        }
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    static final String ADMIN_EMAIL = "admin@companion.test";
    static final String SETUP_TOKEN = "test-admin-setup-token-0123456789";

    /**
     * An access token of the test admin: registered once per database, made admin with the test
     * setup token the first time (any later start of the service finds an admin and keeps no token).
     */
    static String adminToken() {
        given().contentType("application/json").body(Map.of("email", ADMIN_EMAIL, "password", PASSWORD, "name", "Admin"))
                .when().post("/v1/auth/register").then().statusCode(org.hamcrest.Matchers.anyOf(
                        org.hamcrest.Matchers.is(201), org.hamcrest.Matchers.is(409)));
        Pkce pkce = Pkce.create();
        String token = exchange(code(ADMIN_EMAIL, pkce), pkce).accessToken();
        if (token.equals(promoted(token))) {
            return token;
        }
        Pkce again = Pkce.create();
        return exchange(code(ADMIN_EMAIL, again), again).accessToken();
    }

    /** The token itself when it already carries admin; otherwise consumes the setup token (then a new login is needed). */
    private static String promoted(String token) {
        try {
            com.fasterxml.jackson.databind.JsonNode claims = BrowserFlowTest.decode(token, 1);
            for (com.fasterxml.jackson.databind.JsonNode g : claims.get("groups")) {
                if ("admin".equals(g.asText())) {
                    return token;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        given().header("Authorization", bearer(token)).contentType("application/json").body(Map.of("token", SETUP_TOKEN))
                .when().post("/v1/auth/admin-setup").then().statusCode(200);
        return null;
    }

    static String bearer(String token) {
        return "Bearer " + token;
    }
}
