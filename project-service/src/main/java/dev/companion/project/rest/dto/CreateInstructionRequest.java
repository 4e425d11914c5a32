package dev.companion.project.rest.dto;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /v1/instructions}. {@code projectId}/{@code chatId} are required by scope (checked in the service). */
public record CreateInstructionRequest(
        @NotBlank @Size(max = 100) String name,
        @NotNull @Pattern(regexp = "global|project|chat", message = "must be one of global, project, chat") String scope,
        String projectId,
        String chatId,
        @Pattern(regexp = "append|override", message = "must be append or override") String mode,
        @NotNull @Valid InstructionsDto instructions) {
}
