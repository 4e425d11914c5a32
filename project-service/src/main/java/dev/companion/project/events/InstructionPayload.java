package dev.companion.project.events;

import dev.companion.project.rest.dto.InstructionsDto;

/** {@code instruction.created/updated}: the full state of the set. */
public record InstructionPayload(String id, String userId, String name, String scope, String projectId, String chatId,
                                 String mode, InstructionsDto instructions, String createdAt, String updatedAt) {
}
