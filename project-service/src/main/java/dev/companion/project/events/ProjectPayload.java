package dev.companion.project.events;

import dev.companion.project.rest.dto.ProjectSettingsDto;

import java.util.List;

/** {@code project.created/updated/archived}: the full state, so consumers keep read models without calling back. */
public record ProjectPayload(String id, String userId, String name, String description, List<String> tags, String color,
                             ProjectSettingsDto settings, boolean archived, String createdAt, String updatedAt) {
}
