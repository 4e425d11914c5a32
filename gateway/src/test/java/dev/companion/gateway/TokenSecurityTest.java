package dev.companion.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.gateway.support.UpstreamStandIns;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue #16 items 1 and 4 at the gateway: each route's scope (403 {@code requiredScope}), the Redis
 * denylist of revoked tokens on every request and for open sockets, and a socket that is told before
 * its token ends and can be extended with a fresh {@code auth}.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "redis", value = "true"))
@QuarkusTestResource(UpstreamStandIns.class)
class TokenSecurityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = "user_tokensecurity0000000000";

    @TestHTTPResource("/v1/ws")
    URI ws;

    @Inject
    RedisAPI redis;

    static String jti(String token) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1])).get("jti").asText();
    }

    private void revoke(String token) throws Exception {
        redis.set(List.of("companion:revoked:" + jti(token), "1", "PX", "600000")).await().indefinitely();
    }

    @Test
    void eachRouteNeedsItsScope() {
        Map<String, String> routes = Map.of(
                "/v1/projects", "projects",
                "/v1/instructions", "projects",
                "/v1/projects/proj_1/chats", "chats",
                "/v1/chats/chat_1", "chats",
                "/v1/images", "images",
                "/v1/images/img_1/download", "downloads",
                "/v1/downloads/history", "downloads",
                "/v1/admin/users", "admin");
        routes.forEach((path, scope) -> {
            String other = scope.equals("projects") ? "chats" : "projects";
            given().header("Authorization", "Bearer " + TestTokens.withScope(USER, other)).when().get(path)
                    .then().statusCode(403).body("success", is(false)).body("error.code", is("FORBIDDEN"))
                    .body("error.details.requiredScope", is(scope));
            given().header("Authorization", "Bearer " + TestTokens.withScope(USER, scope)).when().get(path)
                    .then().statusCode(200);
        });
        // a token without any scope still reads its profile; a full first-party token passes everywhere but admin
        given().header("Authorization", "Bearer " + TestTokens.withScope(USER, "")).when().get("/v1/user/profile")
                .then().statusCode(200).body("service", is("auth-service"));
        given().header("Authorization", "Bearer " + TestTokens.forUser(USER)).when().get("/v1/downloads/history")
                .then().statusCode(200);
        given().header("Authorization", "Bearer " + TestTokens.forUser(USER)).when().get("/v1/admin/users")
                .then().statusCode(403).body("error.details.requiredScope", is("admin"));
    }

    @Test
    void aRevokedTokenIsRefusedSoonEvenThoughItWasCachedAsVerified() throws Exception {
        String token = TestTokens.forUser(USER);
        String other = TestTokens.forUser(USER);
        given().header("Authorization", "Bearer " + token).when().get("/v1/projects").then().statusCode(200);
        revoke(token);
        // a "not revoked" answer is reused for at most gateway.revocation.not-revoked-cache (1 s; 5 s in tests)
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(200)).until(() ->
                given().header("Authorization", "Bearer " + token).when().get("/v1/projects").statusCode() == 401);
        given().header("Authorization", "Bearer " + token).when().get("/v1/projects")
                .then().statusCode(401).body("error.code", is("UNAUTHORIZED")).body("error.message", is("Token revoked"));
        given().header("Authorization", "Bearer " + token).when().get("/v1/user/profile").then().statusCode(401);
        // only that token: the same user's other token still works
        given().header("Authorization", "Bearer " + other).when().get("/v1/projects").then().statusCode(200);
    }

    @Test
    void aRevokedTokensSocketIsClosedAndARevokedTokenCannotOpenOne() throws Exception {
        String token = TestTokens.forUser(USER);
        WebSocketTest.Client c = connect();
        c.send("{\"type\":\"auth\",\"token\":\"" + token + "\"}");
        assertEquals("connection.ready", c.next().get("type").asText());
        revoke(token);
        // the test profile looks the sockets' tokens up every 500 ms
        JsonNode error = c.nextOfType("error", 10);
        assertEquals("UNAUTHORIZED", error.get("error").get("code").asText());
        assertEquals("Token revoked", error.get("error").get("message").asText());
        assertEquals(1008, c.closeCode.get(5, TimeUnit.SECONDS));

        WebSocketTest.Client again = connect();
        again.send("{\"type\":\"auth\",\"token\":\"" + token + "\"}");
        assertEquals("Token revoked", again.nextOfType("error", 10).get("error").get("message").asText());
        assertEquals(1008, again.closeCode.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aSocketIsWarnedBeforeItsTokenEndsAndAFreshAuthExtendsIt() throws Exception {
        // 63 s left, warning 60 s before: token.expiring about 3 s after connection.ready
        String shortLived = TestTokens.token(USER, "free", Set.of("user"), Duration.ofSeconds(63));
        WebSocketTest.Client c = connect();
        c.send("{\"type\":\"auth\",\"token\":\"" + shortLived + "\"}");
        JsonNode ready = c.next();
        assertEquals("connection.ready", ready.get("type").asText());
        Instant firstExpiry = Instant.parse(ready.get("expiresAt").asText());
        JsonNode expiring = c.nextOfType("token.expiring", 10);
        assertEquals(firstExpiry, Instant.parse(expiring.get("expiresAt").asText()));

        String fresh = TestTokens.forUser(USER);
        c.send("{\"type\":\"auth\",\"token\":\"" + fresh + "\"}");
        JsonNode renewed = c.nextOfType("token.renewed", 10);
        assertEquals(ready.get("sessionId").asText(), renewed.get("sessionId").asText(), "same socket, same session");
        assertTrue(Instant.parse(renewed.get("expiresAt").asText()).isAfter(firstExpiry.plusSeconds(3000)));
        // still open and served
        c.send("{\"type\":\"ping\"}");
        assertNotNull(c.nextOfType("pong", 5));
        assertFalse(c.closeCode.isDone());

        // the renewed socket now lives on the fresh token: revoking it closes the socket
        revoke(fresh);
        assertEquals("Token revoked", c.nextOfType("error", 10).get("error").get("message").asText());
        assertEquals(1008, c.closeCode.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aSocketCannotBeHandedToAnotherUser() throws Exception {
        WebSocketTest.Client c = connect();
        c.send("{\"type\":\"auth\",\"token\":\"" + TestTokens.forUser(USER) + "\"}");
        assertEquals("connection.ready", c.next().get("type").asText());
        c.send("{\"type\":\"auth\",\"token\":\"" + TestTokens.forUser("user_someoneelse000000000000") + "\"}");
        assertEquals("Token of another user", c.nextOfType("error", 10).get("error").get("message").asText());
        assertEquals(1008, c.closeCode.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aTokenThatExpiresSoonIsWarnedAtOnceAndTheSocketClosesAtItsEnd() throws Exception {
        WebSocketTest.Client c = connect();
        c.send("{\"type\":\"auth\",\"token\":\"" + TestTokens.token(USER, "free", Set.of("user"), Duration.ofSeconds(3)) + "\"}");
        assertEquals("connection.ready", c.next().get("type").asText());
        assertNotNull(c.nextOfType("token.expiring", 5));
        assertEquals("Token expired", c.nextOfType("error", 10).get("error").get("message").asText());
        assertEquals(1008, c.closeCode.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aRelayedAgentSocketClosesWhenItsTokenIsRevokedAndARevokedTokenNeverReachesTheService() throws Exception {
        String token = TestTokens.withScope(USER, "agent");
        String auth = "{\"type\":\"auth\",\"token\":\"" + token + "\"}";
        WebSocketTest.Client c = connect(agents);
        c.send(auth);
        // relayed as is: the stand-in chat-service echoes it
        assertEquals(auth, c.nextOfType("echo", 10).get("text").asText());
        int closesBefore = UpstreamStandIns.AGENT_CLOSES.size();
        revoke(token);
        JsonNode error = c.nextOfType("error", 10);
        assertEquals("UNAUTHORIZED", error.get("code").asText());
        assertEquals("Token revoked", error.get("message").asText());
        assertEquals(1008, c.closeCode.get(5, TimeUnit.SECONDS));
        // the service's side is closed too (chat-service then drops the agent and fails its prompt)
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> UpstreamStandIns.AGENT_CLOSES.size() > closesBefore);
        assertEquals((short) 1008, UpstreamStandIns.AGENT_CLOSES.get(UpstreamStandIns.AGENT_CLOSES.size() - 1));

        // a revoked token is refused by the relay: the service never sees it
        WebSocketTest.Client again = connect(agents);
        String marker = "{\"type\":\"heartbeat\",\"n\":\"before-revoked-auth\"}";
        again.send(marker);
        assertEquals(marker, again.nextOfType("echo", 10).get("text").asText());
        again.send(auth);
        assertEquals("Token revoked", again.nextOfType("error", 10).get("message").asText());
        assertEquals(1008, again.closeCode.get(5, TimeUnit.SECONDS));
        assertFalse(UpstreamStandIns.AGENT_MESSAGES.subList(UpstreamStandIns.AGENT_MESSAGES.indexOf(marker),
                UpstreamStandIns.AGENT_MESSAGES.size()).contains(auth));

        // a renewed agent socket lives on its latest token; another user's sockets are untouched
        String first = TestTokens.withScope(USER, "agent");
        String renewed = TestTokens.withScope(USER, "agent");
        WebSocketTest.Client live = connect(agents);
        live.send("{\"type\":\"auth\",\"token\":\"" + first + "\"}");
        live.nextOfType("echo", 10);
        live.send("{\"type\":\"auth\",\"token\":\"" + renewed + "\"}");
        live.nextOfType("echo", 10);
        WebSocketTest.Client other = connect(agents);
        other.send("{\"type\":\"auth\",\"token\":\"" + TestTokens.withScope("user_someoneelse000000000000", "agent") + "\"}");
        other.nextOfType("echo", 10);
        revoke(renewed);
        assertEquals("Token revoked", live.nextOfType("error", 10).get("message").asText());
        assertEquals(1008, live.closeCode.get(5, TimeUnit.SECONDS));
        other.send("{\"type\":\"heartbeat\"}");
        assertNotNull(other.nextOfType("echo", 5));
        assertFalse(other.closeCode.isDone());
    }

    @TestHTTPResource("/v1/agents/connect")
    URI agents;

    private WebSocketTest.Client connect() throws Exception {
        return connect(ws);
    }

    private WebSocketTest.Client connect(URI target) throws Exception {
        WebSocketTest.Client c = new WebSocketTest.Client();
        URI uri = URI.create(target.toString().replaceFirst("^http", "ws"));
        c.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, c).get(10, TimeUnit.SECONDS);
        return c;
    }
}
