package dev.companion.image.client;

import java.util.Map;

/** The seed's {@code analysis} object, plus which analyzer produced it. */
public record AnalysisResult(String description, Map<String, Object> structuredData, double confidence, String provider) {
}
