package dev.companion.chat.rest.dto;

import jakarta.validation.constraints.Size;

import java.util.Map;

/**
 * The seed's prompt metadata: a template name and the values for its {@code {{name}}} placeholders;
 * batch prompts also carry an {@code order}.
 */
public record MessageMetadata(
        @Size(max = 100) String template,
        @Size(max = 50) Map<String, String> variables,
        Integer order) {
}
