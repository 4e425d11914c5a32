package dev.companion.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Another Companion service at the wire, as the owner a read-your-writes client asks about a resource
 * its read model has not seen: {@code GET <path>{id}} answers the real success envelope for a resource
 * {@link #own registered} to the token's subject and 404 in the envelope for anything else (as the
 * owner does for another user's resource); {@link #down} makes it answer 503.
 *
 * <pre>{@code @QuarkusTestResource(value = FakeOwner.class, initArgs = {
 *     @ResourceArg(name = "client", value = "chat-service"), @ResourceArg(name = "path", value = "/v1/chats/")})}</pre>
 * points {@code quarkus.rest-client.chat-service.url} at it; tests use {@code FakeOwner.at("/v1/chats/")}.
 * Several owners in one resource: {@code @ResourceArg(name = "owners", value = "image-service=/v1/images/,chat-service=/v1/chats/")}.
 */
public class FakeOwner implements QuarkusTestResourceLifecycleManager {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, FakeOwner.Resources> BY_PATH = new ConcurrentHashMap<>();
    private static HttpServer server;

    /** path served → the client config key pointed at it (one client may have several paths). */
    private final Map<String, String> routes = new LinkedHashMap<>();

    /** What the owner serves under {@code path}. */
    public static Resources at(String path) {
        return BY_PATH.computeIfAbsent(path, p -> new Resources());
    }

    @Override
    public void init(Map<String, String> initArgs) {
        if (initArgs.containsKey("client")) {
            routes.put(initArgs.get("path"), initArgs.get("client"));
        }
        // several owners in one resource: owners = "image-service=/v1/images/,chat-service=/v1/chats/"
        for (String owner : initArgs.getOrDefault("owners", "").split(",")) {
            if (owner.contains("=")) {
                routes.put(owner.substring(owner.indexOf('=') + 1).strip(), owner.substring(0, owner.indexOf('=')).strip());
            }
        }
    }

    @Override
    public Map<String, String> start() {
        synchronized (FakeOwner.class) {
            try {
                if (server == null) {
                    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                    server.start();
                }
                Map<String, String> config = new LinkedHashMap<>();
                routes.forEach((path, client) -> {
                    Resources resources = at(path);
                    if (!resources.served) {
                        server.createContext(path, exchange -> serve(exchange, path, resources));
                        resources.served = true;
                    }
                    config.put("quarkus.rest-client." + client + ".url", "http://127.0.0.1:" + server.getAddress().getPort());
                });
                return config;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void stop() {
        // shared by every test class of the JVM; it ends with it
    }

    /** The resources of one owner route, and what it was asked. */
    public static final class Resources {
        private final Map<String, String> owners = new ConcurrentHashMap<>();
        private final Map<String, Map<String, Object>> data = new ConcurrentHashMap<>();
        private final List<String> asked = new CopyOnWriteArrayList<>();
        private volatile boolean down;
        private volatile boolean served;

        /** The owner knows {@code id} as {@code userId}'s, with these fields (besides {@code id}). */
        public Resources own(String id, String userId, Map<String, Object> fields) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", id);
            d.putAll(fields);
            owners.put(id, userId);
            data.put(id, d);
            return this;
        }

        public void down(boolean isDown) {
            down = isDown;
        }

        /** The Authorization headers the owner received when asked about {@code id}. */
        public List<String> authorizationsFor(String id) {
            String prefix = id + " ";
            return asked.stream().filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length())).toList();
        }
    }

    private static void serve(HttpExchange exchange, String path, Resources r) throws IOException {
        String id = exchange.getRequestURI().getPath().substring(path.length());
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        r.asked.add(id + " " + authorization);
        if (r.down) {
            reply(exchange, 503, Map.of("success", false, "error", Map.of("code", "SERVICE_UNAVAILABLE", "message", "down")));
            return;
        }
        String owner = r.owners.get(id);
        if (owner == null || !owner.equals(subject(authorization))) {
            reply(exchange, 404, Map.of("success", false, "error", Map.of("code", "NOT_FOUND", "message", "not found")));
            return;
        }
        reply(exchange, 200, Map.of("success", true, "data", r.data.get(id)));
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

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
