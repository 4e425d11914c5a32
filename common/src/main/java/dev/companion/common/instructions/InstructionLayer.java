package dev.companion.common.instructions;

import java.time.Instant;

/**
 * One instruction set as it takes part in resolution.
 *
 * @param scope {@code global}, {@code project} or {@code chat}
 * @param mode  {@code append} (default) or {@code override}
 */
public record InstructionLayer(String id, String name, String scope, String mode, Instant createdAt, Instructions instructions) {

    public static final String APPEND = "append";
    public static final String OVERRIDE = "override";

    public boolean overrides() {
        return OVERRIDE.equals(mode);
    }

    int scopeRank() {
        return switch (scope == null ? "" : scope) {
            case "global" -> 0;
            case "project" -> 1;
            case "chat" -> 2;
            default -> throw new IllegalArgumentException("unknown scope " + scope);
        };
    }
}
