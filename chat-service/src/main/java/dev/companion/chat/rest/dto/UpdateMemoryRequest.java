package dev.companion.chat.rest.dto;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Body of {@code PATCH /v1/memories/{id}}: only the fields sent change. */
public record UpdateMemoryRequest(@Size(min = 1, max = 2000) @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank") String content,
                                  Boolean enabled) {
}
