package dev.companion.project.rest.dto;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

import static dev.companion.project.rest.dto.ProjectConstraints.*;

/** Body of {@code POST /v1/projects}. */
public record CreateProjectRequest(
        @NotBlank @Size(min = NAME_MIN, max = NAME_MAX) String name,
        @Size(max = DESCRIPTION_MAX) String description,
        @Size(max = TAGS_MAX) List<@NotBlank @Pattern(regexp = TAG_PATTERN, message = "must be lower-case letters, digits, '.', '_' or '-', at most 30 characters") String> tags,
        @Pattern(regexp = COLOR_PATTERN, message = "must be a colour like #3B82F6") String color,
        @Valid ProjectSettingsDto settings) {
}
