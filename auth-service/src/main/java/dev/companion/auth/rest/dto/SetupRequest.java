package dev.companion.auth.rest.dto;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** {@code POST /v1/auth/admin-setup}: the one-time setup token. */
public record SetupRequest(@NotBlank @Size(max = 200) String token) {
}
