package dev.companion.image.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An image: the seed's {@code id, url, thumbnailUrl, size, format, createdAt} plus its metadata. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageView(String id, String url, String thumbnailUrl, String size, String format, String createdAt,
                        Integer width, Integer height, Long bytes, String checksum, String generationId,
                        String chatId, String projectId, String prompt) {
}
