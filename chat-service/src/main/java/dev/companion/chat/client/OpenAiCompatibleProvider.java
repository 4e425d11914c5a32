package dev.companion.chat.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.companion.chat.config.ChatConfig.ProviderConfig;
import dev.companion.chat.model.ChatSettings;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.util.TypeLiteral;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Streaming chat completions from any OpenAI-compatible server ({@code POST {baseUrl}/chat/completions}
 * with {@code stream: true}, answered as SSE {@code data:} lines ending with {@code [DONE]}).
 * <p>
 * Before the first token a call may be repeated: a 429 cools the key down (Retry-After) and the next key
 * is tried; a 5xx or a lost connection is retried up to {@code maxAttempts}. Once text flows nothing is
 * retried (the client already has part of the answer). A circuit breaker stops hammering a server that
 * keeps failing.
 */
public final class OpenAiCompatibleProvider implements ChatProvider {

    private static final Logger LOG = Logger.getLogger(OpenAiCompatibleProvider.class);

    private final String name;
    private final String completionsUrl;
    private final ProviderConfig config;
    private final KeyPool keys;
    private final HttpClient http;
    private final ObjectMapper mapper;
    private final TypedGuard<Uni<HttpClientResponse>> breaker;

    public OpenAiCompatibleProvider(String name, ProviderConfig config, KeyPool keys, Vertx vertx, ObjectMapper mapper) {
        this.name = name;
        this.config = config;
        this.keys = keys;
        this.mapper = mapper;
        String base = config.baseUrl().orElseThrow(() -> new IllegalStateException(
                "companion.chat.providers." + name + ".base-url is required for an openai provider"));
        this.completionsUrl = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/chat/completions";
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setMaxPoolSize(config.maxConnections())
                .setKeepAlive(true));
        // only faults of the server count against it: a 429 or a client-side refusal is not an outage
        this.breaker = TypedGuard.create(new TypeLiteral<Uni<HttpClientResponse>>() {
                })
                .withCircuitBreaker()
                .name("llm-" + name)
                .requestVolumeThreshold(8)
                .failureRatio(0.75)
                .delay(15, ChronoUnit.SECONDS)
                .when(t -> t instanceof ServerFault)
                .done()
                .build();
    }

    @Override
    public Multi<ProviderEvent> stream(ProviderRequest request) {
        String body = requestBody(request);
        return open(body, 1, 0).onItem().transformToMulti(this::events);
    }

    /** Sends the request until a 200 arrives, moving across keys on 429 and retrying server faults. */
    private Uni<HttpClientResponse> open(String body, int attempt, int rateLimited) {
        return Uni.createFrom().deferred(() -> {
            String key = keys.acquire();
            return breaker.get(() -> send(key, body))
                    .onFailure(KeyRateLimited.class).recoverWithUni(e -> {
                        Duration wait = ((KeyRateLimited) e).retryAfter;
                        keys.coolDown(key, wait == null ? config.defaultCooldown() : wait);
                        LOG.infof("provider %s: key …%s rate limited, cooling down for %s", name, tail(key),
                                wait == null ? config.defaultCooldown() : wait);
                        if (rateLimited + 1 >= keys.size() + config.maxAttempts()) {
                            return Uni.createFrom().failure(ProviderException.pool(PoolErrorType.RATE_LIMIT,
                                    "Rate limit exceeded: " + e.getMessage()));
                        }
                        return open(body, attempt, rateLimited + 1);
                    })
                    .onFailure(ServerFault.class).recoverWithUni(e -> {
                        if (attempt < config.maxAttempts()) {
                            LOG.infof("provider %s: attempt %d failed (%s), retrying", name, attempt, e.getMessage());
                            return open(body, attempt + 1, rateLimited);
                        }
                        return Uni.createFrom().failure(ProviderException.providerError(e.getMessage(), true));
                    })
                    .onFailure(org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException.class)
                    .transform(e -> ProviderException.pool(PoolErrorType.UNAVAILABLE,
                            "The model provider is unavailable (too many recent failures)"));
        });
    }

    private Uni<HttpClientResponse> send(String key, String body) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(completionsUrl)
                .setIdleTimeout(config.idleTimeout().toMillis())
                .putHeader("Authorization", "Bearer " + key)
                .putHeader("Content-Type", "application/json")
                .putHeader("Accept", "text/event-stream");
        Uni<HttpClientResponse> response = Uni.createFrom().completionStage(() -> http.request(options)
                .compose(req -> req.send(Buffer.buffer(body)))
                .map(resp -> {
                    // hold the body until our handlers are in place
                    resp.pause();
                    return resp;
                })
                .toCompletionStage());
        return response
                .ifNoItem().after(config.firstTokenTimeout()).failWith(() -> ProviderException.pool(PoolErrorType.TIMEOUT,
                        "The model provider did not answer within " + config.firstTokenTimeout().toSeconds() + "s"))
                .onFailure(t -> !(t instanceof ProviderException)).transform(t -> new ServerFault("connection failed: " + t.getMessage()))
                .flatMap(resp -> resp.statusCode() == 200 ? Uni.createFrom().item(resp) : failure(resp));
    }

    private Uni<HttpClientResponse> failure(HttpClientResponse resp) {
        int status = resp.statusCode();
        String retryAfter = resp.getHeader("Retry-After");
        resp.resume();
        return Uni.createFrom().completionStage(() -> resp.body().toCompletionStage())
                .onFailure().recoverWithItem(Buffer.buffer())
                .flatMap(buf -> {
                    String message = errorMessage(buf.toString());
                    if (status == 429) {
                        return Uni.createFrom().failure(new KeyRateLimited(parseRetryAfter(retryAfter), message));
                    }
                    if (status >= 500) {
                        return Uni.createFrom().failure(new ServerFault("provider answered " + status + ": " + message));
                    }
                    return Uni.createFrom().failure(ProviderException.providerError(
                            "provider refused the request (" + status + "): " + message, true));
                });
    }

    /** Turns the SSE body into provider events; a body that ends without {@code [DONE]} was cut. */
    private Multi<ProviderEvent> events(HttpClientResponse resp) {
        return Multi.createFrom().emitter(em -> {
            SseLineDecoder decoder = new SseLineDecoder();
            AtomicBoolean done = new AtomicBoolean();
            AtomicBoolean gotText = new AtomicBoolean();
            resp.handler(buf -> {
                if (done.get()) {
                    return;
                }
                for (String line : decoder.feed(buf.getBytes())) {
                    if (!line.startsWith("data:")) {
                        continue; // comments, event names, blank separators
                    }
                    String data = line.substring(5).trim();
                    if (data.equals("[DONE]")) {
                        done.set(true);
                        em.complete();
                        return;
                    }
                    try {
                        JsonNode json = mapper.readTree(data);
                        if (json.hasNonNull("error")) {
                            done.set(true);
                            em.fail(ProviderException.providerError("provider error: " + errorText(json.get("error")), !gotText.get()));
                            return;
                        }
                        JsonNode choices = json.path("choices");
                        if (choices.isArray() && !choices.isEmpty()) {
                            JsonNode content = choices.get(0).path("delta").path("content");
                            if (content.isTextual() && !content.asText().isEmpty()) {
                                gotText.set(true);
                                em.emit(new ProviderEvent.Delta(content.asText()));
                            }
                        }
                        JsonNode usage = json.path("usage");
                        if (usage.isObject()) {
                            em.emit(new ProviderEvent.Usage(usage.path("prompt_tokens").asInt(), usage.path("completion_tokens").asInt()));
                        }
                    } catch (Exception e) {
                        done.set(true);
                        em.fail(ProviderException.providerError("unreadable stream event from the provider", !gotText.get()));
                        return;
                    }
                }
            });
            resp.exceptionHandler(t -> {
                if (done.compareAndSet(false, true)) {
                    boolean idle = t.getClass().getSimpleName().contains("Timeout");
                    em.fail(idle ? ProviderException.pool(PoolErrorType.TIMEOUT, "The model provider stopped sending (idle timeout)")
                            : ProviderException.providerError("the provider stream broke: " + t.getMessage(), !gotText.get()));
                }
            });
            resp.endHandler(v -> {
                if (done.compareAndSet(false, true)) {
                    em.fail(ProviderException.providerError("the provider stream ended before [DONE]", !gotText.get()));
                }
            });
            em.onTermination(() -> {
                if (done.compareAndSet(false, true)) {
                    // cancelled by us (user cancel, timeout): close the upstream so the provider stops generating
                    resp.request().reset();
                }
            });
            resp.resume();
        });
    }

    private String requestBody(ProviderRequest request) {
        ObjectNode root = mapper.createObjectNode();
        root.put("model", request.model());
        ArrayNode messages = root.putArray("messages");
        for (ProviderRequest.PromptMessage m : request.messages()) {
            ObjectNode message = messages.addObject().put("role", m.role());
            if (m.parts().isEmpty()) {
                message.put("content", m.content());
            } else {
                // the prompt's text, then its attachments as OpenAI content parts
                ArrayNode content = message.putArray("content");
                content.addObject().put("type", "text").put("text", m.content());
                for (ProviderRequest.ContentPart part : m.parts()) {
                    if (ProviderRequest.ContentPart.IMAGE_URL.equals(part.type())) {
                        ObjectNode image = content.addObject().put("type", "image_url").putObject("image_url");
                        image.put("url", part.imageUrl());
                        if (part.detail() != null) {
                            image.put("detail", part.detail());
                        }
                    } else {
                        content.addObject().put("type", "text").put("text", part.text());
                    }
                }
            }
        }
        root.put("stream", true);
        root.putObject("stream_options").put("include_usage", true);
        ChatSettings s = request.settings();
        if (s != null) {
            if (s.temperature() != null) {
                root.put("temperature", s.temperature());
            }
            if (s.topP() != null) {
                root.put("top_p", s.topP());
            }
            if (s.frequencyPenalty() != null) {
                root.put("frequency_penalty", s.frequencyPenalty());
            }
            if (s.presencePenalty() != null) {
                root.put("presence_penalty", s.presencePenalty());
            }
        }
        root.put("max_tokens", request.maxTokens());
        return root.toString();
    }

    private String errorMessage(String body) {
        try {
            JsonNode json = mapper.readTree(body);
            if (json.hasNonNull("error")) {
                return errorText(json.get("error"));
            }
        } catch (Exception ignored) {
            // not JSON: fall through to the raw text
        }
        return body.length() > 200 ? body.substring(0, 200) : body;
    }

    private static String errorText(JsonNode error) {
        return error.isTextual() ? error.asText() : error.path("message").asText("unknown error");
    }

    static Duration parseRetryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Duration.ofMillis(Math.max(0, (long) (Double.parseDouble(header.trim()) * 1000)));
        } catch (NumberFormatException e) {
            try {
                java.time.ZonedDateTime at = java.time.ZonedDateTime.parse(header.trim(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
                return Duration.between(java.time.Instant.now(), at.toInstant()).isNegative() ? Duration.ZERO
                        : Duration.between(java.time.Instant.now(), at.toInstant());
            } catch (Exception ignored) {
                return null;
            }
        }
    }

    private static String tail(String key) {
        return key.length() <= 4 ? "" : key.substring(key.length() - 4);
    }

    /** A 429 for one key: cool it down and try another. */
    static final class KeyRateLimited extends RuntimeException {
        final Duration retryAfter;

        KeyRateLimited(Duration retryAfter, String message) {
            super(message, null, false, false);
            this.retryAfter = retryAfter;
        }
    }

    /** A fault of the server or the network (5xx, connection lost): counts against the circuit breaker. */
    static final class ServerFault extends RuntimeException {
        ServerFault(String message) {
            super(message, null, false, false);
        }
    }
}
