package dev.companion.image.rest.dto;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /v1/images/generate} (seed "Request Image Generation"). */
public record GenerateRequest(
        @NotBlank @Size(max = 4000) String prompt,
        @Pattern(regexp = "chat_[0-9a-z]{1,64}") String chatId,
        @Valid Options options) {

    /** Every option is optional; the model list is checked against configuration by the service. */
    public record Options(
            @Size(min = 1, max = 64) String model,
            @Pattern(regexp = "1024x1024|1792x1024|1024x1792") String size,
            @Pattern(regexp = "standard|hd") String quality,
            @Pattern(regexp = "natural|vivid") String style,
            @Min(1) @Max(4) Integer n) {
    }
}
