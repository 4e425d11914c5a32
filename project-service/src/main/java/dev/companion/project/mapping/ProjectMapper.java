package dev.companion.project.mapping;

import dev.companion.common.api.ErrorResponse.Timestamps;
import dev.companion.project.model.Project;
import dev.companion.project.rest.dto.ProjectSettingsDto;
import dev.companion.project.rest.dto.ProjectView;
import dev.companion.events.ProjectSettings;
import dev.companion.events.ProjectSnapshot;

import java.util.List;

/** Project entity → API view and event payload. */
public final class ProjectMapper {

    private ProjectMapper() {
    }

    public static ProjectView toView(Project p) {
        return new ProjectView(p.id, p.name, p.description, List.of(p.tags), p.color, settings(p), p.archived, p.chatCount,
                Timestamps.format(p.lastActivity), Timestamps.format(p.createdAt), Timestamps.format(p.updatedAt));
    }

    /** The event of {@code type} (created, updated or archived) carrying the project's full state. */
    public static ProjectSnapshot toEvent(String type, Project p) {
        return ProjectSnapshot.of(type, p.id, p.userId, p.name, p.description, List.of(p.tags), p.color,
                new ProjectSettings(p.autoSave, p.syncEnabled, p.notifications), p.archived,
                Timestamps.format(p.createdAt), Timestamps.format(p.updatedAt));
    }

    static ProjectSettingsDto settings(Project p) {
        return new ProjectSettingsDto(p.autoSave, p.syncEnabled, p.notifications);
    }
}
