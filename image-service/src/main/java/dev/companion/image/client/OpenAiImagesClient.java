package dev.companion.image.client;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * OpenAI-compatible images API ({@code POST /v1/images/generations}, base64 results). One request per
 * image because dall-e-3 accepts only n=1; transient failures are retried, and a breaker stops hammering
 * a provider that is down.
 */
@ApplicationScoped
public class OpenAiImagesClient implements ImageProvider {

    private final OpenAiHttp http;

    public OpenAiImagesClient(OpenAiHttp http) {
        this.http = http;
    }

    @Override
    public List<byte[]> generate(ImageSpec spec, IntConsumer progress) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < spec.n(); i++) {
            out.add(generateOne(spec));
            progress.accept((int) Math.round(100.0 * (i + 1) / spec.n()));
        }
        return out;
    }

    @Retry(maxRetries = 2, delay = 300, jitter = 100, retryOn = ProviderUnavailableException.class)
    @CircuitBreaker(requestVolumeThreshold = 6, failureRatio = 0.5, delay = 30_000, failOn = ProviderUnavailableException.class)
    public byte[] generateOne(ImageSpec spec) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", spec.upstreamModel());
        body.put("prompt", spec.prompt());
        body.put("n", 1);
        body.put("size", spec.size());
        body.put("quality", spec.quality());
        body.put("style", spec.style());
        body.put("response_format", "b64_json");
        JsonNode res = http.postJson("/v1/images/generations", body);
        JsonNode first = res.path("data").path(0);
        if (first.hasNonNull("b64_json")) {
            try {
                return Base64.getDecoder().decode(first.get("b64_json").asText());
            } catch (IllegalArgumentException e) {
                throw new ProviderException("PROVIDER_REJECTED", "provider returned invalid base64", false);
            }
        }
        if (first.hasNonNull("url")) {
            return http.fetchFromProvider(first.get("url").asText());
        }
        throw new ProviderException("PROVIDER_REJECTED", "provider returned no image", false);
    }
}
