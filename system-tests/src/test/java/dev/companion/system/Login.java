package dev.companion.system;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Logs in exactly like the extension: register, open the authorize page, post the login form,
 * take the code from the redirect to the extension's URI, exchange it with the PKCE verifier.
 */
public final class Login {

    public static final String CLIENT_ID = "companion-extension";
    public static final String EXTENSION_ID = "abcdefghijklmnopabcdefghijklmnop";
    public static final String REDIRECT_URI = "https://" + EXTENSION_ID + ".chromiumapp.org/";
    public static final String PASSWORD = "correct horse battery staple";

    /** A logged-in user: ids and tokens, and an API client that sends the access token. */
    public record User(String id, String email, String accessToken, String refreshToken, ApiClient api) {
    }

    private Login() {
    }

    public static User newUser(ApiClient anonymous, String tag) {
        String email = tag + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        ApiClient.Result reg = anonymous.post("/v1/auth/register", Map.of("email", email, "password", PASSWORD, "name", "Test " + tag));
        if (reg.status() != 201) {
            throw new AssertionError("register failed: " + reg.status() + " " + reg.raw());
        }
        String id = reg.data().path("id").asText();
        JsonNode tokens = browserLogin(anonymous, email, PASSWORD);
        String access = tokens.path("access_token").asText();
        return new User(id, email, access, tokens.path("refresh_token").asText(), anonymous.withToken(access));
    }

    /** The authorization-code + PKCE flow; returns the token endpoint's JSON. */
    public static JsonNode browserLogin(ApiClient anonymous, String email, String password) {
        try {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
            String state = "st-" + UUID.randomUUID();
            Map<String, String> query = new LinkedHashMap<>();
            query.put("response_type", "code");
            query.put("client_id", CLIENT_ID);
            query.put("redirect_uri", REDIRECT_URI);
            query.put("scope", "projects chats images");
            query.put("state", state);
            query.put("code_challenge", challenge);
            query.put("code_challenge_method", "S256");

            HttpResponse<String> page = anonymous.http().send(HttpRequest.newBuilder(
                    URI.create(anonymous.baseUrl() + "/v1/auth/authorize?" + form(query))).GET()
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            if (page.statusCode() != 200 || !page.body().contains("name=\"password\"")) {
                throw new AssertionError("authorize page: " + page.statusCode() + " " + page.body());
            }
            Map<String, String> post = new LinkedHashMap<>(query);
            post.put("email", email);
            post.put("password", password);
            post.put("decision", "approve");
            HttpResponse<String> redirect = anonymous.http().send(HttpRequest.newBuilder(
                    URI.create(anonymous.baseUrl() + "/v1/auth/authorize"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form(post)))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            String location = redirect.headers().firstValue("Location").orElse("");
            if (redirect.statusCode() != 302 || !location.startsWith(REDIRECT_URI)) {
                throw new AssertionError("login redirect: " + redirect.statusCode() + " " + location + " " + redirect.body());
            }
            Map<String, String> back = parseQuery(URI.create(location).getRawQuery());
            if (!state.equals(back.get("state"))) {
                throw new AssertionError("state not echoed: " + location);
            }
            ApiClient.Result token = anonymous.post("/v1/auth/token", Map.of("grant_type", "authorization_code",
                    "code", back.get("code"), "client_id", CLIENT_ID, "redirect_uri", REDIRECT_URI, "code_verifier", verifier));
            if (token.status() != 200) {
                throw new AssertionError("token: " + token.status() + " " + token.raw());
            }
            return token.body();
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String form(Map<String, String> values) {
        return values.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static Map<String, String> parseQuery(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
