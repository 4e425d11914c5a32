package dev.companion.project.model;

import java.util.Arrays;
import java.util.List;

/** The three scopes of an instruction set, from the widest to the most specific. */
public enum InstructionScope {
    GLOBAL, PROJECT, CHAT;

    public String wire() {
        return name().toLowerCase();
    }

    public static List<String> wireValues() {
        return Arrays.stream(values()).map(InstructionScope::wire).toList();
    }

    /** The scope for a wire value, or null when it is not one. */
    public static InstructionScope fromWire(String value) {
        for (InstructionScope s : values()) {
            if (s.wire().equals(value)) {
                return s;
            }
        }
        return null;
    }
}
