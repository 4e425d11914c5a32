package dev.companion.chat.rest.dto;

import jakarta.validation.constraints.NotNull;

/** {@code GET/PUT /v1/memories/settings}: memories as a whole on or off for the user. */
public record MemorySettingsView(@NotNull Boolean enabled) {
}
