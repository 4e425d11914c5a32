package dev.companion.chat.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * project-service at the wire, for chat-service's read-your-writes client: {@code GET /v1/projects/{id}}
 * answers the real envelope for a project {@link #own registered} to the token's subject and 404 for
 * anything else (as project-service does for another user's project); {@link #down} makes it answer 503.
 * Every test class shares it (a global test resource).
 */
public class FakeProjectService implements QuarkusTestResourceLifecycleManager {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> OWNERS = new ConcurrentHashMap<>();
    private static final List<String> AUTHORIZATIONS = new CopyOnWriteArrayList<>();
    private static volatile boolean down;
    private static HttpServer server;

    /** project-service knows {@code projectId} as {@code userId}'s (chat-service's read model does not). */
    public static void own(String projectId, String userId) {
        OWNERS.put(projectId, userId);
    }

    public static void down(boolean isDown) {
        down = isDown;
    }

    /** The Authorization headers project-service received for {@code projectId}. */
    public static List<String> authorizationsFor(String projectId) {
        return AUTHORIZATIONS.stream().filter(a -> a.startsWith(projectId + " ")).map(a -> a.substring(projectId.length() + 1)).toList();
    }

    @Override
    public synchronized Map<String, String> start() {
        try {
            if (server == null) {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                server.createContext("/v1/projects/", FakeProjectService::project);
                server.start();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Map.of("quarkus.rest-client.project-service.url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
        // shared by every test class of the JVM; it dies with it
    }

    private static void project(HttpExchange exchange) throws IOException {
        String id = exchange.getRequestURI().getPath().substring("/v1/projects/".length());
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        AUTHORIZATIONS.add(id + " " + authorization);
        if (down) {
            reply(exchange, 503, Map.of("success", false, "error", Map.of("code", "SERVICE_UNAVAILABLE", "message", "down")));
            return;
        }
        String owner = OWNERS.get(id);
        if (owner == null || !owner.equals(subject(authorization))) {
            reply(exchange, 404, Map.of("success", false, "error", Map.of("code", "NOT_FOUND", "message", "Project not found")));
            return;
        }
        String now = Instant.now().toString();
        reply(exchange, 200, Map.of("success", true, "data", Map.of("id", id, "name", "Owner's project", "archived", false,
                "chatCount", 0, "createdAt", now, "updatedAt", now)));
    }

    private static String subject(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return null;
        }
        String[] parts = authorization.substring(7).split("\\.");
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return claims.path("sub").asText(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
