package dev.companion.auth.rest.dto;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** {@code PATCH /v1/user/profile}: the name is the only field a user changes here. */
public record UpdateProfileRequest(@NotBlank @Size(min = 1, max = 100) String name) {
}
