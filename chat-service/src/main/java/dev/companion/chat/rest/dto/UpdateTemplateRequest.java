package dev.companion.chat.rest.dto;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

/** Body of {@code PUT /v1/templates/{id}}: only the fields sent change ({@code variables} replaces the list). */
public record UpdateTemplateRequest(@Size(min = 1, max = 100) @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank") String name,
                                    @Size(max = 500) String description,
                                    @Size(min = 1, max = 20000) @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank") String body,
                                    @Size(max = 50) List<@Valid TemplateVariable> variables) {
}
