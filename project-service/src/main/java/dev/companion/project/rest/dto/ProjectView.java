package dev.companion.project.rest.dto;

import java.util.List;

/** A project as the API shows it (seed fields plus {@code chatCount}, {@code lastActivity}). */
public record ProjectView(String id, String name, String description, List<String> tags, String color,
                          ProjectSettingsDto settings, boolean archived, int chatCount, String lastActivity,
                          String createdAt, String updatedAt) {
}
