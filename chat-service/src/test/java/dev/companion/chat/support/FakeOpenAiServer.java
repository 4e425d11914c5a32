package dev.companion.chat.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible server for tests, speaking the real wire protocol of {@code POST /v1/chat/completions}
 * with {@code stream: true}: SSE {@code data: {"choices":[{"delta":{"content":…}}]}} lines, a usage chunk,
 * {@code data: [DONE]}; JSON error bodies; 429 with Retry-After for keys marked rate limited. What it
 * does depends on the last user message:
 * <ul>
 *   <li>contains {@code FAIL}: 400 with an OpenAI error body;</li>
 *   <li>contains {@code CUT}: two deltas, then the connection closes without {@code [DONE]};</li>
 *   <li>contains {@code SLOW}: forty deltas, 100 ms apart;</li>
 *   <li>otherwise: {@code "Echo: <prompt>"} in three deltas, then usage, then {@code [DONE]}.</li>
 * </ul>
 * Every request is recorded (key and body) so tests assert what the provider received.
 */
public final class FakeOpenAiServer {

    public record Received(String apiKey, JsonNode body) {
        public JsonNode messages() {
            return body.path("messages");
        }

        public String lastUserContent() {
            String last = null;
            for (JsonNode m : messages()) {
                if ("user".equals(m.path("role").asText())) {
                    last = text(m.path("content"));
                }
            }
            return last;
        }

        /** A message's text: the string, or the text of its first {@code text} content part. */
        private static String text(JsonNode content) {
            if (content.isArray()) {
                for (JsonNode part : content) {
                    if ("text".equals(part.path("type").asText())) {
                        return part.path("text").asText();
                    }
                }
                return "";
            }
            return content.asText();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Set<String> rateLimitedKeys = ConcurrentHashMap.newKeySet();
    private volatile int disconnects;

    public FakeOpenAiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/v1/chat/completions", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void stop() {
        server.stop(0);
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    /** Requests whose last user message contains {@code marker}. */
    public List<Received> receivedFor(String marker) {
        return received.stream().filter(r -> r.lastUserContent() != null && r.lastUserContent().contains(marker)).toList();
    }

    public void rateLimit(String... keys) {
        rateLimitedKeys.addAll(List.of(keys));
    }

    public void clearRateLimits() {
        rateLimitedKeys.clear();
    }

    /** How many streams were closed by the client before they ended (a cancel reaches the provider). */
    public int clientDisconnects() {
        return disconnects;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String key = auth == null ? null : auth.replaceFirst("^Bearer ", "");
            Received r = new Received(key, body);
            received.add(r);
            if (key != null && rateLimitedKeys.contains(key)) {
                ex.getResponseHeaders().add("Retry-After", "120");
                json(ex, 429, "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}");
                return;
            }
            String prompt = r.lastUserContent() == null ? "" : r.lastUserContent();
            if (prompt.contains("FAIL")) {
                json(ex, 400, "{\"error\":{\"message\":\"Invalid prompt: the fake refuses FAIL\",\"type\":\"invalid_request_error\"}}");
                return;
            }
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            if (prompt.contains("CUT")) {
                delta(out, "Partial ");
                delta(out, "answer");
                out.flush();
                return; // closed without [DONE]
            }
            if (prompt.contains("SLOW")) {
                try {
                    for (int i = 0; i < 40; i++) {
                        delta(out, "w" + i + " ");
                        Thread.sleep(100);
                    }
                    done(out, 10, 40);
                } catch (IOException e) {
                    disconnects++;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (prompt.startsWith("Suggest ") && prompt.contains("follow-up messages")) {
                // a model asked for follow-ups answers a list, marked the ways models do
                delta(out, "1. What about the edge cases?\n2. \"How would I test it?\"\n");
                delta(out, "- Can you show the code?\n\n4) What are the alternatives?\n5. Any pitfalls?\n6. One too many\n");
                done(out, 30, 30);
                return;
            }
            String reply = "Echo: " + prompt;
            int third = Math.max(1, reply.length() / 3);
            delta(out, reply.substring(0, third));
            delta(out, reply.substring(third, Math.min(reply.length(), 2 * third)));
            delta(out, reply.substring(Math.min(reply.length(), 2 * third)));
            done(out, 42, 7);
        }
    }

    private static void delta(OutputStream out, String text) throws IOException {
        String chunk = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                + JSON.writeValueAsString(text) + "},\"finish_reason\":null}]}";
        out.write(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void done(OutputStream out, int promptTokens, int completionTokens) throws IOException {
        out.write(("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n")
                .getBytes(StandardCharsets.UTF_8));
        out.write(("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + promptTokens
                + ",\"completion_tokens\":" + completionTokens + ",\"total_tokens\":" + (promptTokens + completionTokens) + "}}\n\n")
                .getBytes(StandardCharsets.UTF_8));
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void json(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }
}
