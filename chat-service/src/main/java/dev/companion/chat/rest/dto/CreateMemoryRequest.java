package dev.companion.chat.rest.dto;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /v1/memories}: the fact, on by default. */
public record CreateMemoryRequest(@NotBlank @Size(max = 2000) String content, Boolean enabled) {
}
