package dev.companion.project.rest.dto;

/** An instruction set as the API shows it. */
public record InstructionView(String id, String name, String scope, String projectId, String chatId, String mode,
                              InstructionsDto instructions, String createdAt, String updatedAt) {
}
