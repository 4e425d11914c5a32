package dev.companion.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.companion.auth.AuthFlow.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.*;

/** Registration rules, the user.registered event, and failed-login throttling and locking. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = {@ResourceArg(name = "database", value = "companion_auth"), @ResourceArg(name = "redis", value = "true")})
class RegistrationTest {

    @jakarta.inject.Inject
    MovableClock clock;

    @Test
    void registerAnswersTheProfileAndPublishesUserRegistered() throws Exception {
        String email = newEmail("Reg");
        Response r = given().contentType("application/json")
                .body(Map.of("email", email, "password", PASSWORD, "name", "Ada Lovelace"))
                .when().post("/v1/auth/register");
        r.then().statusCode(201).header("Location", endsWith("/v1/user/profile"))
                .body("success", is(true)).body("data.id", startsWith("user_")).body("data.email", is(email))
                .body("data.name", is("Ada Lovelace")).body("data.subscription", is("free"))
                .body("data", not(hasKey("password"))).body("data", not(hasKey("passwordHash")));
        String id = r.path("data.id");
        List<JsonNode> events = KafkaEvents.await("user.events", e -> id.equals(e.path("userId").asText()), Duration.ofSeconds(20));
        assertEquals(1, events.size());
        JsonNode e = events.get(0);
        assertEquals("user.registered", e.get("type").asText());
        assertTrue(e.get("id").asText().startsWith("evt_"));
        assertEquals(email, e.at("/data/email").asText());
        assertEquals("free", e.at("/data/plan").asText());
        assertEquals("user", e.at("/data/roles/0").asText());
        assertFalse(e.get("data").has("passwordHash"));
    }

    @Test
    void emailIsUniqueCaseInsensitively() {
        String email = newEmail("dup");
        register(email);
        given().contentType("application/json")
                .body(Map.of("email", email.toUpperCase(), "password", PASSWORD, "name", "Again"))
                .when().post("/v1/auth/register")
                .then().statusCode(409).body("error.code", is("CONFLICT"));
        // and logging in with another case works
        Pkce pkce = Pkce.create();
        Response login = login(email.toUpperCase(), PASSWORD, CLIENT, REDIRECT, "s", pkce);
        assertEquals(302, login.statusCode());
    }

    @Test
    void invalidRegistrationsAreValidationErrors() {
        given().contentType("application/json").body(Map.of("email", "not-an-email", "password", PASSWORD, "name", "X"))
                .when().post("/v1/auth/register").then().statusCode(400)
                .body("error.code", is("VALIDATION_ERROR")).body("error.details.field", is("email"))
                .body("error.details.constraint", is("email"));
        given().contentType("application/json").body(Map.of("email", newEmail("short"), "password", "short", "name", "X"))
                .when().post("/v1/auth/register").then().statusCode(400)
                .body("error.details.field", is("password")).body("error.details.constraint", is("minLength"))
                .body("error.details.value", is(8));
        given().contentType("application/json").body(Map.of("email", newEmail("noname"), "password", PASSWORD))
                .when().post("/v1/auth/register").then().statusCode(400)
                .body("error.details.field", is("name")).body("error.details.constraint", is("required"));
        given().contentType("application/json").body(Map.of("email", newEmail("extra"), "password", PASSWORD, "name", "X", "role", "admin"))
                .when().post("/v1/auth/register").then().statusCode(400).body("error.details.field", is("role"));
    }

    @Test
    void repeatedFailuresThrottleWithGrowingWaitsAndNeverLock() throws Exception {
        String email = newEmail("brute");
        register(email);
        for (int i = 0; i < 3; i++) {
            assertEquals(401, login(email, "wrong password " + i, CLIENT, REDIRECT, "s", Pkce.create()).statusCode());
        }
        // right away, even the right password must wait (test config: 2 s base)
        Response throttled = login(email, PASSWORD, CLIENT, REDIRECT, "s", Pkce.create());
        assertEquals(429, throttled.statusCode());
        assertNotNull(throttled.header("Retry-After"));
        assertNull(throttled.header("Location"));
        clock.advance(Duration.ofMillis(2100));
        // the fourth failure doubles the wait: no lock, no 15 minutes
        assertEquals(401, login(email, "wrong once more", CLIENT, REDIRECT, "s", Pkce.create()).statusCode());
        Response doubled = login(email, PASSWORD, CLIENT, REDIRECT, "s", Pkce.create());
        assertEquals(429, doubled.statusCode());
        int wait = Integer.parseInt(doubled.header("Retry-After"));
        assertTrue(wait >= 3 && wait <= 4, "second wait doubles to 4 s, was " + wait);
        assertFalse(doubled.asString().contains("locked"));
    }

    @Test
    void successAfterTheWaitResetsTheCount() throws Exception {
        String email = newEmail("recover");
        register(email);
        for (int i = 0; i < 3; i++) {
            login(email, "wrong password", CLIENT, REDIRECT, "s", Pkce.create());
        }
        clock.advance(Duration.ofMillis(2100));
        assertEquals(302, login(email, PASSWORD, CLIENT, REDIRECT, "s", Pkce.create()).statusCode());
        // counter is back to zero: a single failure is not throttled
        assertEquals(401, login(email, "wrong", CLIENT, REDIRECT, "s", Pkce.create()).statusCode());
        assertEquals(302, login(email, PASSWORD, CLIENT, REDIRECT, "s", Pkce.create()).statusCode());
    }
}
