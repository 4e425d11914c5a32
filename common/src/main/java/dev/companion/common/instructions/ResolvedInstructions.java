package dev.companion.common.instructions;

import java.util.List;

/**
 * The outcome of resolution: the layers that apply, in the order they were applied, the merged
 * instructions, and the rendered system prompt text (empty string when nothing applies).
 */
public record ResolvedInstructions(List<InstructionLayer> layers, Instructions merged, String systemPrompt) {
}
