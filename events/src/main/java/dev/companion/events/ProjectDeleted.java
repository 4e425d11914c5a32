package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code project.deleted}: the owners of chats, images and downloads remove theirs. Its project-scope
 * instruction sets get their own {@code instruction.deleted} before it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ProjectDeleted(String id, String userId) implements ProjectEvent {

    public static final String TYPE = "project.deleted";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String key() {
        return id;
    }
}
