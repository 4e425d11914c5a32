package dev.companion.image.rest.dto;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * A generation as clients see it: the seed's {@code id, status, prompt, estimatedTime, queuePosition}
 * while it waits, {@code images[]} once completed, {@code error} when it failed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GenerationView(String id, String status, String prompt, String model, String size, String quality,
                             String style, Integer n, String chatId, String projectId, Integer progress,
                             Long queuePosition, Integer estimatedTime, List<ImageView> images, ErrorView error,
                             String createdAt, String completedAt) {

    public record ErrorView(String code, String message) {
    }
}
