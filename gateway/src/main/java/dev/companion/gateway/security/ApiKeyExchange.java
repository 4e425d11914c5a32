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
 * working within that time (the client never sees the JWT).
 */
@ApplicationScoped
public class ApiKeyExchange {

    private static final int MAX_CACHED = 10_000;

    private record Exchanged(String jwt, long renewAtMillis) {
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

    /** The JWT for {@code secret}; fails with {@link TokenVerifier.InvalidTokenException} for an unknown secret. */
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
        return client.request(options)
                .compose(req -> req.send(Buffer.buffer(body, "UTF-8")))
                .compose(resp -> resp.body().map(b -> {
                    if (resp.statusCode() != 200) {
                        throw new TokenVerifier.InvalidTokenException("Invalid API key");
                    }
                    JsonNode json;
                    try {
                        json = mapper.readTree(b.toString(StandardCharsets.UTF_8));
                    } catch (Exception e) {
                        throw new TokenVerifier.InvalidTokenException("Invalid API key");
                    }
                    String jwt = json.path("access_token").asText(null);
                    if (jwt == null) {
                        throw new TokenVerifier.InvalidTokenException("Invalid API key");
                    }
                    long ttl = json.path("expires_in").asLong(60);
                    if (cache.size() >= MAX_CACHED) {
                        cache.clear();
                    }
                    // a deleted API token stops working when its cached JWT is renewed (cache-ttl, 30 s)
                    cache.put(key, new Exchanged(jwt, System.currentTimeMillis() + Math.min(cacheMillis, Math.max(0, ttl - 60) * 1000L)));
                    return jwt;
                }));
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
