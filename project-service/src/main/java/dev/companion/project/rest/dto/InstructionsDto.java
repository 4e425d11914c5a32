package dev.companion.project.rest.dto;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import java.util.List;

/** The seed's {@code instructions} object: role, style, constraints, examples. */
public record InstructionsDto(
        @Size(max = 4000) String role,
        @Size(max = 4000) String style,
        @Size(max = 50) List<@NotBlank @Size(max = 1000) String> constraints,
        @Size(max = 50) List<@NotBlank @Size(max = 1000) String> examples) {
}
