package dev.companion.chat.rest.dto;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/** A chat's sampling settings as the seed names them; each within the range OpenAI accepts. */
public record SettingsBody(
        @DecimalMin("0") @DecimalMax("2") Double temperature,
        @Min(1) @Max(128000) Integer maxTokens,
        @DecimalMin("0") @DecimalMax("1") Double topP,
        @DecimalMin("-2") @DecimalMax("2") Double frequencyPenalty,
        @DecimalMin("-2") @DecimalMax("2") Double presencePenalty) {
}
