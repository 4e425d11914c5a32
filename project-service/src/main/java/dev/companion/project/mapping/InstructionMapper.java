package dev.companion.project.mapping;

import dev.companion.common.api.ErrorResponse.Timestamps;
import dev.companion.common.instructions.InstructionLayer;
import dev.companion.common.instructions.Instructions;
import dev.companion.events.InstructionContent;
import dev.companion.events.InstructionDeleted;
import dev.companion.events.InstructionSnapshot;
import dev.companion.project.model.InstructionSet;
import dev.companion.project.rest.dto.InstructionView;
import dev.companion.project.rest.dto.InstructionsDto;

import java.util.List;

/** Instruction set entity → API view, event payloads and the shared resolver's layer. */
public final class InstructionMapper {

    private InstructionMapper() {
    }

    public static InstructionView toView(InstructionSet s) {
        return new InstructionView(s.id, s.name, s.scope, s.projectId, s.chatId, s.mode, content(s),
                Timestamps.format(s.createdAt), Timestamps.format(s.updatedAt));
    }

    /** The event of {@code type} (created or updated) carrying the set's full state. */
    public static InstructionSnapshot toEvent(String type, InstructionSet s) {
        return InstructionSnapshot.of(type, s.id, s.userId, s.name, s.scope, s.projectId, s.chatId, s.mode,
                new InstructionContent(s.role, s.style, List.of(s.constraints), List.of(s.examples)),
                Timestamps.format(s.createdAt), Timestamps.format(s.updatedAt));
    }

    public static InstructionDeleted toDeletedEvent(InstructionSet s) {
        return new InstructionDeleted(s.id, s.userId, s.scope, s.projectId, s.chatId);
    }

    public static InstructionsDto content(InstructionSet s) {
        return new InstructionsDto(s.role, s.style, List.of(s.constraints), List.of(s.examples));
    }

    public static InstructionLayer toLayer(InstructionSet s) {
        return new InstructionLayer(s.id, s.name, s.scope, s.mode, s.createdAt,
                new Instructions(s.role, s.style, List.of(s.constraints), List.of(s.examples)));
    }

    public static InstructionsDto toDto(Instructions in) {
        return new InstructionsDto(in.role(), in.style(), in.constraints(), in.examples());
    }
}
