package dev.companion.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;

/**
 * A small client for the public API, as the extension uses it: JSON over HTTP to the gateway with a
 * bearer token, and the gateway's WebSocket.
 */
public final class ApiClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http;
    private String token;

    public ApiClient(String baseUrl) {
        this.baseUrl = baseUrl;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The answer: status, headers and the body parsed as JSON (null when it is not JSON). */
    public record Result(int status, HttpHeaders headers, JsonNode body, String raw) {
        public JsonNode data() {
            return body == null ? null : body.get("data");
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public String errorCode() {
            return body == null || body.get("error") == null ? null : body.get("error").path("code").asText(null);
        }
    }

    public String baseUrl() {
        return baseUrl;
    }

    public HttpClient http() {
        return http;
    }

    public ApiClient withToken(String accessToken) {
        ApiClient c = new ApiClient(baseUrl);
        c.token = accessToken;
        return c;
    }

    public String token() {
        return token;
    }

    public Result get(String path) {
        return send("GET", path, null, Map.of());
    }

    public Result post(String path, Object body) {
        return send("POST", path, body, Map.of());
    }

    public Result put(String path, Object body) {
        return send("PUT", path, body, Map.of());
    }

    public Result delete(String path) {
        return send("DELETE", path, null, Map.of());
    }

    public Result send(String method, String path, Object body, Map<String, String> headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            b.header("Accept", "application/json");
            headers.forEach(b::header);
            if (body != null) {
                String json = body instanceof String s ? s : JSON.writeValueAsString(body);
                b.header("Content-Type", "application/json");
                b.method(method, HttpRequest.BodyPublishers.ofString(json));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Result(r.statusCode(), r.headers(), parse(r.body()), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** Opens {@code /v1/ws}; the caller sends the auth message. */
    public EventSocket openSocket() {
        return openSocket("/v1/ws");
    }

    /** Opens a WebSocket on {@code path} of the gateway; the caller sends the auth message. */
    public EventSocket openSocket(String path) {
        String ws = baseUrl.replaceFirst("^http", "ws") + path;
        EventSocket listener = new EventSocket();
        WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(ws), listener).join();
        listener.attach(socket);
        return listener;
    }

    /** Opens {@code /v1/ws}, authenticates with this client's token and waits for {@code connection.ready}. */
    public EventSocket connect() {
        EventSocket socket = openSocket();
        socket.sendJson(Map.of("type", "auth", "token", token));
        socket.await(m -> "connection.ready".equals(m.path("type").asText()), Duration.ofSeconds(10));
        return socket;
    }
}
