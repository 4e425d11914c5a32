package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** {@code project.updated}: a changed project (un-archiving included), in its full state. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ProjectUpdated(String id, String userId, String name, @Nullable String description, List<String> tags,
                 @Nullable String color, ProjectSettings settings, boolean archived, String createdAt,
                 String updatedAt) implements ProjectSnapshot {

    public static final String TYPE = "project.updated";

    @Override
    public String type() {
        return TYPE;
    }
}
