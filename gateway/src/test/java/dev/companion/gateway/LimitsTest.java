package dev.companion.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.gateway.ratelimit.RedisRateLimitStore;
import dev.companion.gateway.support.UpstreamStandIns;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /v1/user/limits} and the socket's quota meter on the Redis store (the multi-replica
 * mode): counts read from the store the requests count in, so a hit counted by another replica (a
 * second store on its own Redis connection) shows at once. The test profile limits
 * {@code images-analyze} to 3 per minute.
 */
@QuarkusTest
@TestProfile(LimitsTest.RedisStore.class)
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "redis", value = "true"))
@QuarkusTestResource(UpstreamStandIns.class)
class LimitsTest {

    public static class RedisStore implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.rate-limit.store", "redis", "gateway.websocket.limits-refresh-interval", "300ms");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FEATURES = List.of("auth", "chat-messages", "projects", "images-generate",
            "images-analyze", "downloads", "shared-links", "default");

    private static Vertx otherVertx;
    private static RedisRateLimitStore otherReplica;

    @TestHTTPResource("/v1/ws")
    URI ws;

    @BeforeAll
    static void otherReplica() {
        String url = ConfigProvider.getConfig().getValue("REDIS_URL", String.class);
        otherVertx = Vertx.vertx();
        otherReplica = new RedisRateLimitStore(RedisAPI.api(Redis.createClient(otherVertx, new RedisOptions().setConnectionString(url))),
                "companion:rl:");
    }

    @AfterAll
    static void close() {
        otherVertx.closeAndAwait();
    }

    @Test
    void everyRuleWithItsTotalAndNothingUsedYet() {
        JsonPath body = limits(TestTokens.forUser(user("fresh")));
        assertEquals(FEATURES, body.getList("data.feature"));
        Map<String, Integer> totals = byFeature(body, "total");
        assertEquals(Map.of("auth", 10, "chat-messages", 50, "projects", 100, "images-generate", 10,
                "images-analyze", 3, "downloads", 100, "shared-links", 60, "default", 1000), totals);
        Map<String, Integer> remaining = byFeature(body, "remaining");
        for (String f : FEATURES) {
            // per-IP rules (auth, shared-links) count every test of this JVM; the catch-all counts this request
            if (!f.equals("default") && !f.equals("auth") && !f.equals("shared-links")) {
                assertEquals(totals.get(f), remaining.get(f), f);
                assertNull(entry(body, f).get("resetAt"), f + " has no open window");
            }
        }
        // this very request counted against the catch-all rule
        assertEquals(999, remaining.get("default"));
    }

    @Test
    void countsDropAfterCallsAndEachUserHasHisOwn() {
        String alice = TestTokens.forUser(user("alice"));
        String bob = TestTokens.forUser(user("bob"));
        for (int i = 0; i < 2; i++) {
            given().header("Authorization", "Bearer " + alice).when().post("/v1/images/analyze").then().statusCode(200);
        }
        given().header("Authorization", "Bearer " + alice).when().get("/v1/projects").then().statusCode(200);
        JsonPath a = limits(alice);
        assertEquals(1, byFeature(a, "remaining").get("images-analyze"));
        assertEquals(99, byFeature(a, "remaining").get("projects"));
        Instant reset = Instant.parse((String) entry(a, "images-analyze").get("resetAt"));
        assertTrue(reset.isAfter(Instant.now().minusSeconds(1)) && reset.isBefore(Instant.now().plusSeconds(62)), reset.toString());

        JsonPath b = limits(bob);
        assertEquals(3, byFeature(b, "remaining").get("images-analyze"));
        assertEquals(100, byFeature(b, "remaining").get("projects"));
    }

    @Test
    void whatAnotherReplicaCountedShowsAtOnce() {
        String userId = user("replicas");
        otherReplica.hit("images-generate:user:" + userId, Duration.ofHours(1)).await().atMost(Duration.ofSeconds(10));
        otherReplica.hit("images-generate:user:" + userId, Duration.ofHours(1)).await().atMost(Duration.ofSeconds(10));
        assertEquals(8, byFeature(limits(TestTokens.forUser(userId)), "remaining").get("images-generate"));
    }

    @Test
    void theProPlanRaisesEveryPerUserTotalButNotThePerIpOne() {
        String pro = TestTokens.token(user("pro"), "pro", Set.of("user"), Duration.ofHours(1));
        Map<String, Integer> totals = byFeature(limits(pro), "total");
        assertEquals(15, totals.get("images-analyze"));
        assertEquals(5000, totals.get("default"));
        assertEquals(10, totals.get("auth"));
        assertEquals(60, totals.get("shared-links"));
    }

    @Test
    void needsATokenAndOnlyGetExists() {
        given().when().get("/v1/user/limits").then().statusCode(401).body("error.code", is("UNAUTHORIZED"));
        given().header("Authorization", "Bearer " + TestTokens.forUser(user("post"))).when().post("/v1/user/limits")
                .then().statusCode(404).body("success", is(false)).body("error.code", is("NOT_FOUND"));
    }

    @Test
    void theSocketStartsWithTheLimitsAndHearsOfChangesAboveTenPercent() throws Exception {
        String userId = user("socket");
        String token = TestTokens.forUser(userId);
        Client c = connect();
        c.send("{\"type\":\"auth\",\"token\":\"" + token + "\"}");
        JsonNode ready = c.awaitType("connection.ready");
        assertEquals(3, limitOf(ready, "images-analyze").get("remaining").asInt());
        assertEquals(FEATURES.size(), ready.get("limits").size());

        // one analysis is a third of that budget: limits.updated at once
        given().header("Authorization", "Bearer " + token).when().post("/v1/images/analyze").then().statusCode(200);
        JsonNode updated = c.awaitMatching(n -> "limits.updated".equals(n.path("type").asText())
                && limitOf(n, "images-analyze").get("remaining").asInt() == 2);
        assertEquals(FEATURES.size(), updated.get("limits").size());

        // another replica counts one generation of ten (10 %, not more): nothing; a second one (20 %): an update
        int before = c.ofType("limits.updated").size();
        otherReplica.hit("images-generate:user:" + userId, Duration.ofHours(1)).await().atMost(Duration.ofSeconds(10));
        otherReplica.hit("images-generate:user:" + userId, Duration.ofHours(1)).await().atMost(Duration.ofSeconds(10));
        JsonNode fromElsewhere = c.awaitMatching(n -> "limits.updated".equals(n.path("type").asText())
                && limitOf(n, "images-generate").get("remaining").asInt() == 8);
        assertNotNull(fromElsewhere);
        assertTrue(c.ofType("limits.updated").size() == before + 1,
                "one event for the two hits, not one per hit: " + c.ofType("limits.updated"));

        // small moves of the catch-all rule (1 of 1000) send nothing
        int now = c.ofType("limits.updated").size();
        given().header("Authorization", "Bearer " + token).when().get("/v1/chats").then().statusCode(200);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> c.ofType("limits.updated").size() == now);
        c.socket.abort();
    }

    private static String user(String tag) {
        String id = "user_limits" + tag + java.util.UUID.randomUUID().toString().replace("-", "");
        return id.substring(0, 31);
    }

    private static JsonPath limits(String token) {
        return given().header("Authorization", "Bearer " + token).when().get("/v1/user/limits")
                .then().statusCode(200).body("success", is(true)).extract().jsonPath();
    }

    private static Map<String, Integer> byFeature(JsonPath body, String field) {
        Map<String, Integer> out = new HashMap<>();
        List<Map<String, Object>> entries = body.getList("data");
        entries.forEach(e -> out.put((String) e.get("feature"), (Integer) e.get(field)));
        return out;
    }

    private static Map<String, Object> entry(JsonPath body, String feature) {
        List<Map<String, Object>> entries = body.getList("data");
        return entries.stream().filter(e -> feature.equals(e.get("feature"))).findFirst().orElseThrow();
    }

    private static JsonNode limitOf(JsonNode event, String feature) {
        for (JsonNode l : event.get("limits")) {
            if (feature.equals(l.get("feature").asText())) {
                return l;
            }
        }
        throw new AssertionError("no " + feature + " in " + event);
    }

    private Client connect() throws Exception {
        Client c = new Client();
        URI uri = URI.create(ws.toString().replaceFirst("^http", "ws"));
        c.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, c).get(10, TimeUnit.SECONDS);
        return c;
    }

    static final class Client implements WebSocket.Listener {
        final List<JsonNode> received = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    received.add(JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        void send(String text) throws Exception {
            socket.sendText(text, true).get(5, TimeUnit.SECONDS);
        }

        List<JsonNode> ofType(String type) {
            return received.stream().filter(n -> type.equals(n.path("type").asText())).toList();
        }

        JsonNode awaitType(String type) {
            return awaitMatching(n -> type.equals(n.path("type").asText()));
        }

        JsonNode awaitMatching(java.util.function.Predicate<JsonNode> match) {
            return await().atMost(Duration.ofSeconds(10)).until(
                    () -> received.stream().filter(match).findFirst().orElse(null), java.util.Objects::nonNull);
        }
    }
}
