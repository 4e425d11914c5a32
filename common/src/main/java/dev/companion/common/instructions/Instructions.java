package dev.companion.common.instructions;

import java.util.List;

/** The content of an instruction set, as in the seed: role, style, constraints, examples. */
public record Instructions(String role, String style, List<String> constraints, List<String> examples) {

    public Instructions {
        constraints = constraints == null ? List.of() : List.copyOf(constraints);
        examples = examples == null ? List.of() : List.copyOf(examples);
    }

    public static Instructions empty() {
        return new Instructions(null, null, List.of(), List.of());
    }

    public boolean isEmpty() {
        return isBlank(role) && isBlank(style) && constraints.isEmpty() && examples.isEmpty();
    }

    static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
