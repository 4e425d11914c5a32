package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** {@code project.archived}: the project was archived (archived false to true), in its full state. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ProjectArchived(String id, String userId, String name, @Nullable String description, List<String> tags,
                 @Nullable String color, ProjectSettings settings, boolean archived, String createdAt,
                 String updatedAt) implements ProjectSnapshot {

    public static final String TYPE = "project.archived";

    @Override
    public String type() {
        return TYPE;
    }
}
