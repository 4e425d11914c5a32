package dev.companion.events;

import java.util.List;

/**
 * {@code project.created}, {@code project.updated} and {@code project.archived}: one shape, the project's full
 * state, so consumers keep read models without calling back. Timestamps are ISO-8601 UTC with milliseconds.
 */
public sealed interface ProjectSnapshot extends ProjectEvent permits ProjectCreated, ProjectUpdated, ProjectArchived {

    String id();

    String userId();

    String name();

    String description();

    List<String> tags();

    String color();

    ProjectSettings settings();

    boolean archived();

    String createdAt();

    String updatedAt();

    @Override
    default String key() {
        return id();
    }

    /** The record for {@code type}: lets a producer that decides the type at run time (archive or update) build it in one call. */
    static ProjectSnapshot of(String type, String id, String userId, String name, String description, List<String> tags,
                              String color, ProjectSettings settings, boolean archived, String createdAt, String updatedAt) {
        return switch (type) {
            case ProjectCreated.TYPE -> new ProjectCreated(id, userId, name, description, tags, color, settings, archived, createdAt, updatedAt);
            case ProjectUpdated.TYPE -> new ProjectUpdated(id, userId, name, description, tags, color, settings, archived, createdAt, updatedAt);
            case ProjectArchived.TYPE -> new ProjectArchived(id, userId, name, description, tags, color, settings, archived, createdAt, updatedAt);
            default -> throw new IllegalArgumentException("not a project snapshot type: " + type);
        };
    }
}
