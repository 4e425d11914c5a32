package dev.companion.gateway.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.net.ServerSocket;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Five small Vert.x HTTP servers standing in for the services behind the gateway (the real
 * services are covered by the system tests). Each answers: {@code /q/health/ready},
 * {@code /q/openapi}, paths ending in {@code /slow} (answers after 5 s), {@code /stream} (SSE, one
 * event every 300 ms), {@code /bare-refusal} (414 without a body, as Vert.x' decoder answers), {@code /v1/agents/connect}
 * (a WebSocket echoing text), auth-service's {@code POST /v1/auth/token} with {@code client_credentials}
 * ({@code cmp_good…}: a JWT; {@code cmp_broken…}: 500; any other {@code cmp_}: 401 {@code invalid_client}), and
 * otherwise an echo of method, uri, headers and the number of body bytes.
 */
public class UpstreamStandIns implements QuarkusTestResourceLifecycleManager {

    public static final String[] SERVICES = {"auth-service", "project-service", "chat-service", "image-service", "download-service"};
    private static final String[] ENV = {"AUTH_SERVICE_URL", "PROJECT_SERVICE_URL", "CHAT_SERVICE_URL", "IMAGE_SERVICE_URL", "DOWNLOAD_SERVICE_URL"};

    /** The user whose JWT the auth stand-in gives for a {@code cmp_good…} API key. */
    public static final String API_KEY_USER = "user_apikey000000000000000000";

    private static Vertx vertx;
    private static final Map<String, Integer> PORTS = new ConcurrentHashMap<>();
    private static final Map<String, HttpServer> SERVERS = new ConcurrentHashMap<>();
    /** Sizes of the request bodies the stand-ins received completely. */
    public static final java.util.List<Long> COMPLETED_BODIES = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Requests to a {@code /slow} path received, and those whose connection the gateway closed before the answer. */
    public static final AtomicInteger SLOW_RECEIVED = new AtomicInteger();
    public static final AtomicInteger SLOW_CUT_OFF = new AtomicInteger();
    /** Text messages the stand-in agent socket ({@code /v1/agents/connect}) received, and its close codes. */
    public static final java.util.List<String> AGENT_MESSAGES = new java.util.concurrent.CopyOnWriteArrayList<>();
    public static final java.util.List<Short> AGENT_CLOSES = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public synchronized Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        if (vertx == null) {
            vertx = Vertx.vertx();
            for (String service : SERVICES) {
                PORTS.put(service, freePort());
                startService(service);
            }
        }
        for (int i = 0; i < SERVICES.length; i++) {
            config.put(ENV[i], "http://localhost:" + PORTS.get(SERVICES[i]));
        }
        return config;
    }

    @Override
    public void stop() {
        // shared by all test classes of the JVM
    }

    public static synchronized void startService(String service) {
        if (SERVERS.containsKey(service)) {
            return;
        }
        HttpServer server = vertx.createHttpServer().requestHandler(req -> handle(service, req));
        try {
            server.listen(PORTS.get(service)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("stand-in " + service + " did not start", e);
        }
        SERVERS.put(service, server);
    }

    public static synchronized void stopService(String service) {
        HttpServer server = SERVERS.remove(service);
        if (server != null) {
            try {
                server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static void handle(String service, HttpServerRequest req) {
        String path = req.path();
        if (path.equals("/q/health/ready")) {
            req.response().putHeader("Content-Type", "application/json").end("{\"status\":\"UP\",\"checks\":[]}");
        } else if (path.equals("/q/openapi")) {
            req.response().putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("openapi", "3.0.3").put("info", new JsonObject().put("title", service).put("version", "1.0.0"))
                            .put("paths", new JsonObject()).encode());
        } else if (path.equals("/v1/agents/connect")) {
            // chat-service's agent socket: answers every text message with {"type":"echo","text":…}
            req.toWebSocket().onSuccess(ws -> {
                ws.textMessageHandler(text -> {
                    AGENT_MESSAGES.add(text);
                    ws.writeTextMessage(new JsonObject().put("type", "echo").put("text", text).encode());
                });
                ws.closeHandler(v -> AGENT_CLOSES.add(ws.closeStatusCode()));
            });
        } else if (path.endsWith("/slow")) {
            SLOW_RECEIVED.incrementAndGet();
            req.response().closeHandler(v -> SLOW_CUT_OFF.incrementAndGet());
            vertx.setTimer(5000, id -> {
                if (!req.response().closed()) {
                    req.response().end("late");
                }
            });
        } else if (path.endsWith("/bare-refusal")) {
            // what Vert.x answers by itself when a request line exceeds its decoder limit
            req.response().setStatusCode(414).putHeader("Content-Length", "0").end();
        } else if (path.endsWith("/stream")) {
            req.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
            for (int i = 0; i < 3; i++) {
                int n = i;
                vertx.setTimer(300L * (i + 1), id -> {
                    if (req.response().closed()) {
                        return;
                    }
                    req.response().write("data: {\"index\":" + n + ",\"sentAt\":" + System.currentTimeMillis() + "}\n\n");
                    if (n == 2) {
                        req.response().end();
                    }
                });
            }
        } else if (service.equals("auth-service") && path.equals("/v1/auth/token") && "POST".equals(req.method().name())) {
            // the API-key exchange: client_credentials with a cmp_ secret; anything else is echoed
            req.body().onSuccess(b -> {
                JsonObject body;
                try {
                    body = b.length() == 0 ? new JsonObject() : b.toJsonObject();
                } catch (Exception e) {
                    body = new JsonObject();
                }
                String secret = body.getString("client_secret", "");
                if (!"client_credentials".equals(body.getString("grant_type")) || !secret.startsWith("cmp_")) {
                    echo(service, req, b.length());
                } else if (secret.startsWith("cmp_good")) {
                    req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
                            .put("access_token", dev.companion.testing.TestTokens.forUser(API_KEY_USER)).put("token_type", "Bearer")
                            .put("expires_in", 900).encode());
                } else if (secret.startsWith("cmp_broken")) {
                    req.response().setStatusCode(500).putHeader("Content-Type", "application/json").end("{\"error\":\"server_error\"}");
                } else {
                    req.response().setStatusCode(401).putHeader("Content-Type", "application/json")
                            .end("{\"error\":\"invalid_client\",\"error_description\":\"Unknown API token\"}");
                }
            });
        } else {
            long[] bytes = {0};
            req.handler(b -> bytes[0] += b.length());
            req.endHandler(v -> {
                COMPLETED_BODIES.add(bytes[0]);
                echo(service, req, bytes[0]);
            });
        }
    }

    private static void echo(String service, HttpServerRequest req, long bodyBytes) {
        Map<String, Object> headers = new LinkedHashMap<>();
        req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
        JsonObject echo = new JsonObject()
                .put("service", service)
                .put("method", req.method().name())
                .put("uri", req.uri())
                .put("bodyBytes", bodyBytes)
                .put("headers", new JsonObject(headers));
        req.response().putHeader("Content-Type", "application/json")
                .putHeader("X-Request-Id", String.valueOf(req.getHeader("X-Request-Id")))
                .end(echo.encode());
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
