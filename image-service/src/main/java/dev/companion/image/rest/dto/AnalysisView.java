package dev.companion.image.rest.dto;

import java.util.Map;

/** {@code POST /v1/images/analyze}: the analysis of one image. */
public record AnalysisView(String id, String imageId, String provider, Analysis analysis) {

    public record Analysis(String description, Map<String, Object> structuredData, double confidence) {
    }
}
