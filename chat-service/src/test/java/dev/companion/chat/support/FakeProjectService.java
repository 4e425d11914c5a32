package dev.companion.chat.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * project-service at the wire, for chat-service's read-your-writes: {@code GET /v1/projects/{id}} and
 * {@code GET /v1/instructions?chatId=…&page=…&limit=…} answer the real envelope for what the token's
 * subject owns (another user's project, or a chat project-service cannot place, is 404 in the envelope, as
 * the real one answers), the list filtered like project-service's (global sets, the chat's project's,
 * the chat's own; oldest first; {@code limit} at most 100). {@link #down} answers 503, {@link #delay}
 * holds every answer back. Every request is recorded with its query and {@code Authorization}.
 */
public class FakeProjectService implements QuarkusTestResourceLifecycleManager {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static HttpServer server;

    private static final Map<String, Owned> PROJECTS = new ConcurrentHashMap<>();
    private static final Map<String, Owned> INSTRUCTIONS = new ConcurrentHashMap<>();
    /** The chats project-service knows (it would learn them from chat.events or by asking chat-service): chat → project. */
    private static final Map<String, String> CHATS = new ConcurrentHashMap<>();
    private static final List<Asked> ASKED = new CopyOnWriteArrayList<>();
    private static volatile boolean down;
    private static volatile long delayMillis;

    private record Owned(String userId, Map<String, Object> data) {
    }

    /** One request the fake received. */
    public record Asked(String path, Map<String, String> query, String authorization) {
    }

    @Override
    public Map<String, String> start() {
        synchronized (FakeProjectService.class) {
            try {
                if (server == null) {
                    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                    server.setExecutor(Executors.newCachedThreadPool(r -> {
                        Thread t = new Thread(r, "fake-project-service");
                        t.setDaemon(true);
                        return t;
                    }));
                    server.createContext("/v1/", FakeProjectService::serve);
                    server.start();
                }
                return Map.of("quarkus.rest-client.project-service.url", "http://127.0.0.1:" + server.getAddress().getPort());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void stop() {
        // shared by the test classes of the JVM; it ends with it
    }

    /** project-service knows {@code projectId} as {@code userId}'s. */
    public static void project(String projectId, String userId, boolean archived, String updatedAt) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", projectId);
        d.put("name", "Owner's project");
        d.put("description", "");
        d.put("tags", List.of());
        d.put("archived", archived);
        d.put("chatCount", 0);
        d.put("createdAt", updatedAt);
        d.put("updatedAt", updatedAt);
        PROJECTS.put(projectId, new Owned(userId, d));
    }

    /** project-service knows the chat (in {@code projectId}). */
    public static void chat(String chatId, String projectId) {
        CHATS.put(chatId, projectId);
    }

    /** project-service holds the set, as {@code InstructionView}: {@code scope} global, project or chat. */
    public static void instruction(String userId, String id, String scope, String projectId, String chatId, String mode,
                                   Map<String, Object> body, String createdAt, String updatedAt) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", id);
        d.put("name", "set " + id);
        d.put("scope", scope);
        d.put("projectId", projectId);
        d.put("chatId", chatId);
        d.put("mode", mode);
        d.put("instructions", body);
        d.put("createdAt", createdAt);
        d.put("updatedAt", updatedAt);
        INSTRUCTIONS.put(id, new Owned(userId, d));
    }

    /** project-service cannot place the chat any more: its list for the chat answers 404. */
    public static void forgetChat(String chatId) {
        CHATS.remove(chatId);
    }

    /** The set is gone at project-service. */
    public static void forget(String instructionId) {
        INSTRUCTIONS.remove(instructionId);
    }

    public static void down(boolean isDown) {
        down = isDown;
    }

    /** Every answer waits this long first (zero: none). */
    public static void delay(Duration delay) {
        delayMillis = delay.toMillis();
    }

    /** The requests for {@code path} (e.g. {@code /v1/instructions}, {@code /v1/projects/proj_…}), oldest first. */
    public static List<Asked> asked(String path) {
        return ASKED.stream().filter(a -> a.path().equals(path)).toList();
    }

    /** The list requests that named {@code chatId}. */
    public static List<Asked> askedForChat(String chatId) {
        return ASKED.stream().filter(a -> a.path().equals("/v1/instructions") && chatId.equals(a.query().get("chatId"))).toList();
    }

    private static void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            ASKED.add(new Asked(path, query, authorization));
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (down) {
                error(exchange, 503, "SERVICE_UNAVAILABLE");
                return;
            }
            String user = subject(authorization);
            if (user == null) {
                error(exchange, 401, "UNAUTHORIZED");
                return;
            }
            if (path.startsWith("/v1/projects/")) {
                Owned p = PROJECTS.get(path.substring("/v1/projects/".length()));
                if (p == null || !p.userId().equals(user)) {
                    error(exchange, 404, "NOT_FOUND");
                    return;
                }
                reply(exchange, 200, Map.of("success", true, "data", p.data()));
            } else if (path.equals("/v1/instructions")) {
                listInstructions(exchange, user, query);
            } else {
                error(exchange, 404, "NOT_FOUND");
            }
        }
    }

    private static void listInstructions(HttpExchange exchange, String user, Map<String, String> query) throws IOException {
        String chatId = query.get("chatId");
        int page = Integer.parseInt(query.getOrDefault("page", "1"));
        int limit = Integer.parseInt(query.getOrDefault("limit", "20"));
        if (chatId == null || limit > 100 || limit < 1 || page < 1) {
            error(exchange, 400, "VALIDATION_ERROR");
            return;
        }
        String projectId = CHATS.get(chatId);
        if (projectId == null) {
            error(exchange, 404, "NOT_FOUND");
            return;
        }
        List<Map<String, Object>> all = new ArrayList<>();
        for (Owned o : INSTRUCTIONS.values()) {
            Map<String, Object> d = o.data();
            boolean applies = switch ((String) d.get("scope")) {
                case "global" -> true;
                case "project" -> projectId.equals(d.get("projectId"));
                case "chat" -> chatId.equals(d.get("chatId"));
                default -> false;
            };
            if (o.userId().equals(user) && applies) {
                all.add(d);
            }
        }
        all.sort(Comparator.comparing((Map<String, Object> d) -> Instant.parse((String) d.get("createdAt")))
                .thenComparing(d -> (String) d.get("id")));
        int from = Math.min((page - 1) * limit, all.size());
        List<Map<String, Object>> slice = all.subList(from, Math.min(from + limit, all.size()));
        int pages = (all.size() + limit - 1) / limit;
        reply(exchange, 200, Map.of("success", true, "data", Map.of("instructions", slice,
                "pagination", Map.of("page", page, "limit", limit, "total", all.size(), "pages", pages))));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String subject(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return null;
        }
        String[] parts = authorization.substring(7).split("\\.");
        try {
            JsonNode claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            return claims.path("sub").asText(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void error(HttpExchange exchange, int status, String code) throws IOException {
        reply(exchange, status, Map.of("success", false, "error", Map.of("code", code, "message", code.toLowerCase())));
    }

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
