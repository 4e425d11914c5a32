package dev.companion.project.rest.dto;

import java.util.List;

/**
 * The answer of {@code GET /v1/instructions/effective}: the sets that apply in the order they were
 * applied (global → project → chat, then createdAt, id), the merged instructions and the rendered
 * system prompt ({@code format} names the rendering rule).
 */
public record EffectiveInstructionsView(String projectId, String chatId, List<Layer> layers, InstructionsDto merged,
                                        String systemPrompt, String format) {

    /** One applied set; {@code overridden} is true when a later {@code override} set dropped its contribution. */
    public record Layer(String id, String name, String scope, String mode, boolean overridden, InstructionsDto instructions,
                        String createdAt) {
    }
}
