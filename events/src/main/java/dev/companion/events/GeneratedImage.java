package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One stored image of {@code image.complete}: the seed's fields ({@code id, url, thumbnailUrl, size, format,
 * createdAt}; {@code size} is {@code WxH}, the URLs are presigned and expire) plus the metadata read models keep.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record GeneratedImage(String id, String url, String thumbnailUrl, String size, String format, String createdAt,
                             int width, int height, long bytes, String checksum, String storageKey) {
}
