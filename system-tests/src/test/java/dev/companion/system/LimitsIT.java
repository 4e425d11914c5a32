package dev.companion.system;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #18 item 3 through the gateway: {@code GET /v1/user/limits} counts down as requests are
 * made, each user on his own; the socket's {@code connection.ready} carries the same array and
 * {@code limits.updated} follows a move of more than 10 %; an admin's {@code PUT
 * /v1/admin/users/{id}/plan} raises the totals from the user's next token; bad input and non-admins
 * change nothing.
 */
@ExtendWith(SystemStack.class)
class LimitsIT {

    private static Map<String, JsonNode> limits(ApiClient user) {
        ApiClient.Result r = user.get("/v1/user/limits");
        assertEquals(200, r.status(), r.raw());
        assertTrue(r.body().path("success").asBoolean(), r.raw());
        return byFeature(r.data());
    }

    private static Map<String, JsonNode> byFeature(JsonNode array) {
        Map<String, JsonNode> out = new HashMap<>();
        array.forEach(l -> out.put(l.path("feature").asText(), l));
        return out;
    }

    @Test
    void countsDropAfterCallsAndTwoUsersAreIndependent(ApiClient api) {
        Login.User alice = Login.newUser(api, "limits-a");
        Login.User bob = Login.newUser(api, "limits-b");
        Map<String, JsonNode> start = limits(alice.api());
        assertEquals(List.of("auth", "chat-messages", "projects", "images-generate", "images-analyze", "downloads", "shared-links", "default"),
                alice.api().get("/v1/user/limits").data().findValuesAsText("feature"));
        long projects = start.get("projects").path("remaining").asLong();
        assertEquals(start.get("projects").path("total").asLong(), projects, "nothing used yet");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, alice.api().get("/v1/projects").status());
        }
        Map<String, JsonNode> after = limits(alice.api());
        assertEquals(projects - 3, after.get("projects").path("remaining").asLong());
        assertTrue(after.get("projects").path("resetAt").asText().endsWith("Z"), after.toString());
        // the limits calls themselves count against the catch-all rule (two since the first: the feature list and this one)
        assertEquals(start.get("default").path("remaining").asLong() - 2, after.get("default").path("remaining").asLong());

        Map<String, JsonNode> other = limits(bob.api());
        assertEquals(other.get("projects").path("total").asLong(), other.get("projects").path("remaining").asLong());
    }

    @Test
    void theSocketStartsWithTheLimitsAndHearsOfABigMove(ApiClient api) {
        Login.User user = Login.newUser(api, "limits-ws");
        try (EventSocket socket = user.api().connect()) {
            JsonNode ready = socket.ofType("connection.ready").get(0);
            Map<String, JsonNode> start = byFeature(ready.path("limits"));
            assertEquals(8, start.size(), ready.toString());
            long total = start.get("images-generate").path("total").asLong();
            assertEquals(total, start.get("images-generate").path("remaining").asLong());
            // every request counts, a refused one too: two of ten generations is a move of 20 %
            int moves = (int) (total / 10) + 1;
            for (int i = 0; i < moves; i++) {
                user.api().post("/v1/images/generate", Map.of());
            }
            JsonNode updated = socket.await(m -> "limits.updated".equals(m.path("type").asText())
                    && byFeature(m.path("limits")).get("images-generate").path("remaining").asLong() == total - moves, Duration.ofSeconds(10));
            assertEquals(8, updated.path("limits").size());
        }
    }

    @Test
    void anAdminsPlanChangeRaisesTheTotalsFromTheNextToken(ApiClient api) {
        Login.User user = Login.newUser(api, "limits-plan");
        long freeTotal = limits(user.api()).get("images-generate").path("total").asLong();

        ApiClient.Result set = Admins.of(api).api().put("/v1/admin/users/" + user.id() + "/plan", Map.of("plan", "pro"));
        assertEquals(200, set.status(), set.raw());
        assertEquals("pro", set.data().path("subscription").asText());

        ApiClient.Result refreshed = api.post("/v1/auth/refresh", Map.of("refresh_token", user.refreshToken()));
        assertEquals(200, refreshed.status(), refreshed.raw());
        ApiClient pro = api.withToken(refreshed.body().path("access_token").asText());
        Map<String, JsonNode> proLimits = limits(pro);
        assertEquals(freeTotal * 5, proLimits.get("images-generate").path("total").asLong());
        assertEquals(proLimits.get("auth").path("total").asLong(), limits(user.api()).get("auth").path("total").asLong(),
                "the per-address rule has no plan");
    }

    @Test
    void badInputAndNonAdminsChangeNothing(ApiClient api) {
        Login.User user = Login.newUser(api, "limits-bad");
        ApiClient adminApi = Admins.of(api).api();
        ApiClient.Result bad = adminApi.put("/v1/admin/users/" + user.id() + "/plan", Map.of("plan", "platinum"));
        assertEquals(400, bad.status(), bad.raw());
        assertEquals("VALIDATION_ERROR", bad.errorCode());
        assertEquals("plan", bad.body().path("error").path("details").path("field").asText());
        ApiClient.Result missing = adminApi.put("/v1/admin/users/user_doesnotexist0000000000/plan", Map.of("plan", "pro"));
        assertEquals(404, missing.status(), missing.raw());
        assertEquals("NOT_FOUND", missing.errorCode());

        ApiClient.Result self = user.api().put("/v1/admin/users/" + user.id() + "/plan", Map.of("plan", "pro"));
        assertEquals(403, self.status(), self.raw());
        assertEquals("FORBIDDEN", self.errorCode());
        ApiClient.Result anonymous = api.put("/v1/admin/users/" + user.id() + "/plan", Map.of("plan", "pro"));
        assertEquals(401, anonymous.status(), anonymous.raw());

        // nothing changed: a fresh token still carries the free plan's totals
        ApiClient.Result refreshed = api.post("/v1/auth/refresh", Map.of("refresh_token", user.refreshToken()));
        assertEquals(200, refreshed.status(), refreshed.raw());
        Map<String, JsonNode> after = limits(api.withToken(refreshed.body().path("access_token").asText()));
        assertEquals(limits(user.api()).get("images-generate").path("total").asLong(), after.get("images-generate").path("total").asLong());
        assertEquals(10, after.get("images-generate").path("total").asLong());
    }
}
