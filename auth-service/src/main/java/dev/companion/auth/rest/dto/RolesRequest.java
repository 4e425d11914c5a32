package dev.companion.auth.rest.dto;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** {@code PUT /v1/admin/users/{id}/roles}: {@code user} and optionally {@code admin}. */
public record RolesRequest(@NotNull @Size(min = 1, max = 2) java.util.Set<@NotNull @Pattern(regexp = "user|admin") String> roles) {
}
