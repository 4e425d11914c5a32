package dev.companion.gateway.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.gateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An API token's secret ({@code cmp_…}) presented as the bearer, as tools that only take an "API key" do
 * (the OpenAI clients on {@code /v1/openai/**}): exchanged at auth-service ({@code client_credentials}
 * with the secret alone) for a short-lived JWT, which the gateway then checks and forwards in its place.
 * The JWT is reused per secret for {@code companion.gateway.api-key-cache-ttl} (30 s), so a deleted API token stops
 * working within that time (the client never sees the JWT). Only auth-service's refusal of the secret
 * (400/401/403, RFC 6749 {@code invalid_client}/{@code invalid_grant}) makes the key invalid; auth-service
 * unreachable, timing out, answering 5xx/429 or an unreadable success is {@link UnavailableException} (the gateway
 * answers 503 {@code SERVICE_UNAVAILABLE} with {@code Retry-After}, so a client retries instead of dropping its key).
 */
@ApplicationScoped
public class ApiKeyExchange {

    private static final int MAX_CACHED = 10_000;

    private record Exchanged(String jwt, long renewAtMillis) {
    }

    /** auth-service could not judge the secret (down, slow, failing): neither valid nor invalid. */
    public static final class UnavailableException extends RuntimeException {
        public UnavailableException(String message) {
            super(message, null, false, false);
        }
    }

    private final HttpClient client;
    private final URI auth;
    private final ObjectMapper mapper;
    private final Map<String, Exchanged> cache = new ConcurrentHashMap<>();

    private final long cacheMillis;

    public ApiKeyExchange(Vertx vertx, GatewayConfig config, ObjectMapper mapper,
                          @org.eclipse.microprofile.config.inject.ConfigProperty(name = "companion.gateway.api-key-cache-ttl", defaultValue = "30s")
                          java.time.Duration cacheTtl) {
        this.cacheMillis = cacheTtl.toMillis();
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2000));
        this.auth = config.upstreams().auth();
        this.mapper = mapper;
    }

    public static boolean isApiKey(String bearer) {
        return bearer != null && bearer.startsWith("cmp_");
    }

    /**
     * The JWT for {@code secret}; fails with {@link TokenVerifier.InvalidTokenException} for a secret auth-service
     * refuses, with {@link UnavailableException} when auth-service gives no verdict.
     */
    public Future<String> exchange(String secret) {
        String key = sha256(secret);
        Exchanged cached = cache.get(key);
        if (cached != null && cached.renewAtMillis() > System.currentTimeMillis()) {
            return Future.succeededFuture(cached.jwt());
        }
        String body;
        try {
            body = mapper.writeValueAsString(Map.of("grant_type", "client_credentials", "client_secret", secret));
        } catch (Exception e) {
            return Future.failedFuture(e);
        }
        int port = auth.getPort() > 0 ? auth.getPort() : ("https".equals(auth.getScheme()) ? 443 : 80);
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(auth.getHost()).setPort(port)
                .setSsl("https".equals(auth.getScheme())).setURI("/v1/auth/token").setTimeout(5000)
                .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json");
        Future<String> exchanged = client.request(options)
                .compose(req -> req.send(Buffer.buffer(body, "UTF-8")))
                .compose(resp -> resp.body().map(b -> {
                    int status = resp.statusCode();
                    if (status == 400 || status == 401 || status == 403) {
                        throw new TokenVerifier.InvalidTokenException("Invalid API key");
                    }
                    if (status != 200) {
                        throw new UnavailableException("auth-service answered " + status);
                    }
                    JsonNode json;
                    try {
                        json = mapper.readTree(b.toString(StandardCharsets.UTF_8));
                    } catch (Exception e) {
                        throw new UnavailableException("auth-service answered an unreadable token");
                    }
                    String jwt = json.path("access_token").asText(null);
                    if (jwt == null) {
                        throw new UnavailableException("auth-service answered no access_token");
                    }
                    long ttl = json.path("expires_in").asLong(60);
                    if (cache.size() >= MAX_CACHED) {
                        cache.clear();
                    }
                    // a deleted API token stops working when its cached JWT is renewed (cache-ttl, 30 s)
                    cache.put(key, new Exchanged(jwt, System.currentTimeMillis() + Math.min(cacheMillis, Math.max(0, ttl - 60) * 1000L)));
                    return jwt;
                }));
        // a refused connection, a timeout, a reset: no verdict on the secret
        return exchanged.recover(e -> Future.failedFuture(e instanceof TokenVerifier.InvalidTokenException || e instanceof UnavailableException
                ? e : new UnavailableException("auth-service unreachable: " + e)));
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
