package dev.companion.auth.rest.dto;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** {@code POST /v1/admin/users/{userId}/tokens}: a label to tell tokens apart. */
public record CreateApiTokenRequest(@NotBlank @Size(min = 1, max = 100) String name) {
}
