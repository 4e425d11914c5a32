package dev.companion.project.rest.dto;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Body of {@code PUT}/{@code PATCH /v1/instructions/{id}}: only the fields sent change, inside {@code instructions} too. */
public record UpdateInstructionRequest(
        @Size(min = 1, max = 100) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String name,
        @Pattern(regexp = "global|project|chat", message = "must be one of global, project, chat") String scope,
        String projectId,
        String chatId,
        @Pattern(regexp = "append|override", message = "must be append or override") String mode,
        @Valid InstructionsDto instructions) {
}
