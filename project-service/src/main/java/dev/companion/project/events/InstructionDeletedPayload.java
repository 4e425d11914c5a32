package dev.companion.project.events;

/** {@code instruction.deleted}. */
public record InstructionDeletedPayload(String id, String userId, String scope, String projectId, String chatId) {
}
