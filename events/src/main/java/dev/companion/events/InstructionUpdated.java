package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code instruction.updated}: a changed instruction set (also when its chat moved to another project), in its full state. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record InstructionUpdated(String id, String userId, String name, String scope, @Nullable String projectId,
                 @Nullable String chatId, String mode, InstructionContent instructions, String createdAt,
                 String updatedAt) implements InstructionSnapshot {

    public static final String TYPE = "instruction.updated";

    @Override
    public String type() {
        return TYPE;
    }
}
