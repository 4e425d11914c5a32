package dev.companion.image.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.image.config.ImageConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;

import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Vision through an OpenAI-compatible chat completion: the image goes in as a data URI, the answer
 * comes back as a JSON object {description, structuredData, confidence} (response_format json_object).
 */
@ApplicationScoped
public class OpenAiVisionClient implements ImageAnalyzer {

    private final OpenAiHttp http;
    private final ObjectMapper mapper;
    private final ImageConfig config;

    public OpenAiVisionClient(OpenAiHttp http, ObjectMapper mapper, ImageConfig config) {
        this.http = http;
        this.mapper = mapper;
        this.config = config;
    }

    @Override
    @Retry(maxRetries = 2, delay = 300, jitter = 100, retryOn = ProviderUnavailableException.class)
    @CircuitBreaker(requestVolumeThreshold = 6, failureRatio = 0.5, delay = 30_000, failOn = ProviderUnavailableException.class)
    public AnalysisResult analyze(AnalysisRequest req) {
        String system = "You analyse images. Reply with one JSON object with exactly these keys: "
                + "\"description\" (string), \"structuredData\" (object with the facts relevant to the focus), "
                + "\"confidence\" (number from 0 to 1, how sure you are of the answer). "
                + "Focus: " + req.focus() + ". Detail level: " + req.detailLevel() + ".";
        String question = req.question() == null || req.question().isBlank() ? "Describe this image." : req.question();
        String dataUri = "data:image/" + req.format() + ";base64," + Base64.getEncoder().encodeToString(req.bytes());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", config.analysis().visionModel());
        body.put("messages", List.of(
                Map.of("role", "system", "content", system),
                Map.of("role", "user", "content", List.of(
                        Map.of("type", "text", "text", question),
                        Map.of("type", "image_url", "image_url", Map.of("url", dataUri,
                                "detail", "basic".equals(req.detailLevel()) ? "low" : "high"))))));
        body.put("response_format", Map.of("type", "json_object"));
        body.put("temperature", 0);
        JsonNode res = http.postJson("/v1/chat/completions", body);
        String content = res.path("choices").path(0).path("message").path("content").asText(null);
        if (content == null) {
            throw new ProviderException("PROVIDER_REJECTED", "vision provider returned no content", false);
        }
        try {
            JsonNode answer = mapper.readTree(content);
            String description = answer.path("description").asText(null);
            if (description == null) {
                throw new ProviderException("PROVIDER_REJECTED", "vision answer has no description", false);
            }
            Map<String, Object> structured = answer.path("structuredData").isObject()
                    ? mapper.convertValue(answer.get("structuredData"), new TypeReference<Map<String, Object>>() { })
                    : Map.of();
            double confidence = answer.path("confidence").isNumber() ? answer.get("confidence").asDouble() : 0.5;
            confidence = Math.max(0, Math.min(1, confidence));
            return new AnalysisResult(description, structured, confidence, "openai:" + config.analysis().visionModel());
        } catch (IOException e) {
            throw new ProviderException("PROVIDER_REJECTED", "vision answer is not JSON", false);
        }
    }
}
