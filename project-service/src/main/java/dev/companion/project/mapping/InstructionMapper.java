package dev.companion.project.mapping;

import dev.companion.common.api.ErrorResponse.Timestamps;
import dev.companion.common.instructions.InstructionLayer;
import dev.companion.common.instructions.Instructions;
import dev.companion.project.events.InstructionDeletedPayload;
import dev.companion.project.events.InstructionPayload;
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

    public static InstructionPayload toPayload(InstructionSet s) {
        return new InstructionPayload(s.id, s.userId, s.name, s.scope, s.projectId, s.chatId, s.mode, content(s),
                Timestamps.format(s.createdAt), Timestamps.format(s.updatedAt));
    }

    public static InstructionDeletedPayload toDeletedPayload(InstructionSet s) {
        return new InstructionDeletedPayload(s.id, s.userId, s.scope, s.projectId, s.chatId);
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
