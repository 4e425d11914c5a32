package dev.companion.chat.rest.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** A {@code {{name}}} slot of a template: without a {@code default} a send must give its value. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TemplateVariable(@NotBlank @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9_.-]+", message = "must be letters, digits, _ . or -") String name,
                               @JsonProperty("default") @Size(max = 10000) String defaultValue,
                               @Size(max = 500) String description) {
}
