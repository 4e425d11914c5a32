package dev.companion.image.rest.dto;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An image: the seed's {@code id, url, thumbnailUrl, size, format, createdAt} plus its metadata, and the
 * object key of the original ({@code storageKey}: already the path of {@code url}; download-service reads the
 * original by it when it learns of an image from image-service rather than from image.complete).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageView(String id, String url, String thumbnailUrl, String size, String format, String createdAt,
                        Integer width, Integer height, Long bytes, String checksum, String generationId,
                        String chatId, String projectId, String prompt, String storageKey) {
}
