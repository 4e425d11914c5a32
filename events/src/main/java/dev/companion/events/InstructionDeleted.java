package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code instruction.deleted}: by the user, or with its project or chat. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record InstructionDeleted(String id, String userId, String scope, @Nullable String projectId,
                                 @Nullable String chatId) implements ProjectEvent {

    public static final String TYPE = "instruction.deleted";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String key() {
        return projectId != null ? projectId : userId;
    }
}
