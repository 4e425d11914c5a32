package dev.companion.auth;

import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static dev.companion.auth.AuthFlow.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue #16 item 2: back-off per account and address, per account, per address; no lock; parallel
 * guesses cannot slip past the count; unknown emails look the same. Test config: 3 free failures per
 * account and address (2 s base), 8 per address (10 s base).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = {@ResourceArg(name = "database", value = "companion_auth"), @ResourceArg(name = "redis", value = "true")})
class LoginThrottleTest {

    private static Response attempt(String email, String password, String address) {
        return login(email, password, CLIENT, REDIRECT, "s", Pkce.create(), address, "projects");
    }

    @Test
    void parallelGuessesAreDecidedOneByOneAndAtMostTheFreeOnesAreEvaluated() throws Exception {
        String email = newEmail("parallel");
        register(email);
        Pkce pkce = Pkce.create();
        String form = form(Map.of("response_type", "code", "client_id", CLIENT, "redirect_uri", REDIRECT, "scope", "projects",
                "state", "p", "code_challenge", pkce.challenge(), "code_challenge_method", "S256",
                "email", email, "decision", "approve"));
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Callable<Integer>> guesses = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String body = form + "&password=" + URLEncoder.encode("wrong guess " + i, StandardCharsets.UTF_8);
                guesses.add(() -> http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + io.restassured.RestAssured.port + "/v1/auth/authorize"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("X-Forwarded-For", "192.0.2.77")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(guesses)) {
                statuses.add(f.get());
            }
            Map<Integer, Long> counts = statuses.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
            assertEquals(3L, counts.getOrDefault(401, 0L), "exactly the free failures were checked: " + counts);
            assertEquals(9L, counts.getOrDefault(429, 0L), "the rest waited: " + counts);
        } finally {
            pool.shutdownNow();
        }
        // the owner elsewhere is not held back by that address
        assertEquals(302, attempt(email, PASSWORD, "198.51.100.7").statusCode());
    }

    @Test
    void anAttackersAddressDoesNotLockTheOwnerOut() {
        String email = newEmail("victim");
        register(email);
        for (int i = 0; i < 3; i++) {
            assertEquals(401, attempt(email, "attacker guess " + i, "203.0.113.66").statusCode());
        }
        assertEquals(429, attempt(email, "attacker guess 4", "203.0.113.66").statusCode());
        // even the right password waits from the attacker's address...
        assertEquals(429, attempt(email, PASSWORD, "203.0.113.66").statusCode());
        // ...but the owner from their own address signs in at once, and again
        assertEquals(302, attempt(email, PASSWORD, "198.51.100.20").statusCode());
        assertEquals(302, attempt(email, PASSWORD, "198.51.100.20").statusCode());
    }

    @Test
    void unknownEmailsAreThrottledAndAnsweredLikeKnownOnes() {
        String known = newEmail("known");
        register(known);
        String unknown = newEmail("nobody");
        List<Integer> knownStatuses = new ArrayList<>();
        List<Integer> unknownStatuses = new ArrayList<>();
        String knownPage = null;
        String unknownPage = null;
        for (int i = 0; i < 4; i++) {
            Response k = attempt(known, "wrong " + i, "192.0.2.10");
            Response u = attempt(unknown, "wrong " + i, "192.0.2.11");
            knownStatuses.add(k.statusCode());
            unknownStatuses.add(u.statusCode());
            if (i == 0) {
                knownPage = k.asString().contains("Wrong email or password.") ? "wrong" : k.asString();
                unknownPage = u.asString().contains("Wrong email or password.") ? "wrong" : u.asString();
            }
        }
        assertEquals(List.of(401, 401, 401, 429), knownStatuses);
        assertEquals(knownStatuses, unknownStatuses, "no difference tells whether an account exists");
        assertEquals(knownPage, unknownPage);
    }

    @Test
    void oneAddressGuessingOverManyAccountsIsSlowedForEveryAccount() {
        String address = "192.0.2.200";
        String fresh = newEmail("fresh");
        register(fresh);
        for (int i = 0; i < 8; i++) {
            assertEquals(401, attempt(newEmail("stuffed"), "password123", address).statusCode(), "guess " + i);
        }
        Response slowed = attempt(fresh, PASSWORD, address);
        assertEquals(429, slowed.statusCode());
        assertNotNull(slowed.header("Retry-After"));
        // that account from anywhere else is untouched
        assertEquals(302, attempt(fresh, PASSWORD, "198.51.100.99").statusCode());
    }

    private static String form(Map<String, String> fields) {
        Map<String, String> ordered = new LinkedHashMap<>(fields);
        return ordered.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
