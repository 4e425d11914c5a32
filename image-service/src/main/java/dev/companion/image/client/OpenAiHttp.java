package dev.companion.image.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.image.config.ImageConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The wire to an OpenAI-compatible server: JSON POSTs with the bearer key, bounded response size,
 * and the rule that binary downloads only ever go to the configured host.
 */
@ApplicationScoped
public class OpenAiHttp {

    private final ImageConfig.OpenAi config;
    private final ObjectMapper mapper;
    private final HttpClient http;

    public OpenAiHttp(ImageConfig config, ObjectMapper mapper) {
        this.config = config.openai();
        this.mapper = mapper;
        this.http = HttpClient.newBuilder().connectTimeout(this.config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public JsonNode postJson(String path, Object body) {
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base() + path))
                    .timeout(config.timeout())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body)));
            config.apiKey().ifPresent(k -> req.header("Authorization", "Bearer " + k));
            HttpResponse<InputStream> res = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] bytes = readBounded(res.body());
            if (res.statusCode() == 429 || res.statusCode() >= 500) {
                throw new ProviderUnavailableException("provider answered " + res.statusCode(), null);
            }
            if (res.statusCode() >= 400) {
                throw new ProviderException("PROVIDER_REJECTED", "provider refused the request (" + res.statusCode() + "): "
                        + errorMessage(bytes), false);
            }
            return mapper.readTree(bytes);
        } catch (IOException e) {
            throw new ProviderUnavailableException("provider unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderUnavailableException("interrupted", e);
        }
    }

    /** Fetches a result URL, but only from the configured provider host (no SSRF through provider answers). */
    public byte[] fetchFromProvider(String url) {
        URI uri = URI.create(url);
        URI allowed = URI.create(base());
        if (uri.getHost() == null || !uri.getHost().equalsIgnoreCase(allowed.getHost())
                || !uri.getScheme().equalsIgnoreCase(allowed.getScheme()) || port(uri) != port(allowed)) {
            throw new ProviderException("PROVIDER_REJECTED", "provider returned a URL outside its configured host", false);
        }
        try {
            HttpResponse<InputStream> res = http.send(HttpRequest.newBuilder(uri).timeout(config.timeout()).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            byte[] bytes = readBounded(res.body());
            if (res.statusCode() != 200) {
                throw new ProviderUnavailableException("image download answered " + res.statusCode(), null);
            }
            return bytes;
        } catch (IOException e) {
            throw new ProviderUnavailableException("image download failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderUnavailableException("interrupted", e);
        }
    }

    /**
     * The server's origin: a base URL may be given with or without the {@code /v1} suffix (chat-service
     * takes it with, as the OpenAI SDKs do), so one OPENAI_BASE_URL serves both services.
     */
    private String base() {
        String b = config.baseUrl();
        b = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
        return b.endsWith("/v1") ? b.substring(0, b.length() - 3) : b;
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private byte[] readBounded(InputStream in) throws IOException {
        try (in) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, config.maxResponseBytes() + 1));
            if (bytes.length > config.maxResponseBytes()) {
                throw new ProviderException("PROVIDER_REJECTED", "provider answer exceeds " + config.maxResponseBytes() + " bytes", false);
            }
            return bytes;
        }
    }

    private String errorMessage(byte[] body) {
        try {
            JsonNode n = mapper.readTree(body);
            return n.path("error").path("message").asText("no message");
        } catch (IOException e) {
            return "unreadable error body";
        }
    }
}
