package dev.companion.download.rest.dto;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

/**
 * Body of {@code POST /v1/images/{imageId}/download}; everything optional (png, quality 90, original size).
 * A bound larger than the original is clamped to it unless {@code upscale} is true (then the output is
 * capped by {@code max-output-pixels}).
 */
public record SingleDownloadRequest(
        @Pattern(regexp = "png|jpg|webp") String format,
        @Min(1) @Max(100) Integer quality,
        @Min(1) @Max(4096) Integer width,
        @Min(1) @Max(4096) Integer height,
        Boolean upscale) {
}
