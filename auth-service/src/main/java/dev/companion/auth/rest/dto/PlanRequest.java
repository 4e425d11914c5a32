package dev.companion.auth.rest.dto;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** {@code PUT /v1/admin/users/{id}/plan}: {@code free} or {@code pro}. */
public record PlanRequest(@NotNull @Pattern(regexp = "free|pro") String plan) {
}
