package dev.companion.chat.rest.dto;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

/** Body of {@code POST /chats/{chatId}/messages/batch} (seed). */
public record BatchRequest(
        @NotEmpty @Size(max = 20) List<@NotNull @Valid Prompt> prompts,
        @Pattern(regexp = "sequential|parallel|chained") String mode,
        @Valid Options options) {

    public record Prompt(@NotBlank @Size(max = 100000) String content, @Valid MessageMetadata metadata) {
    }

    /** {@code timeout} is per prompt, in milliseconds. */
    public record Options(Boolean continueOnError, @Min(1000) @Max(600000) Long timeout) {
    }
}
