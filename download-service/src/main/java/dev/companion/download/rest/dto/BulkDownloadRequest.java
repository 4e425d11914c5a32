package dev.companion.download.rest.dto;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

/** Body of {@code POST /v1/images/download/bulk}. */
public record BulkDownloadRequest(
        @NotNull @Size(min = 1, max = 500) List<@NotBlank @Size(max = 64) String> imageIds,
        @Pattern(regexp = "png|jpg|webp") String format,
        @Min(1) @Max(100) Integer quality,
        @Min(1) @Max(4096) Integer width,
        @Min(1) @Max(4096) Integer height,
        Boolean createZip,
        @Pattern(regexp = "flat|grouped|dated") String folderStructure,
        @Size(max = 200) String namingPattern,
        Boolean upscale) {
}
