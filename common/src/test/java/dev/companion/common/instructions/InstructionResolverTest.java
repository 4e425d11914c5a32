package dev.companion.common.instructions;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InstructionResolverTest {

    private static InstructionLayer layer(String id, String scope, String mode, int second, String role, String style,
                                          List<String> constraints, List<String> examples) {
        return new InstructionLayer(id, id, scope, mode, Instant.ofEpochSecond(second),
                new Instructions(role, style, constraints, examples));
    }

    @Test
    void appendLayersMergeFromGlobalToChat() {
        var global = layer("inst_g", "global", "append", 3, "You are helpful", "Be brief", List.of("No jargon"), List.of());
        var project = layer("inst_p", "project", "append", 1, "You are a React expert", null, List.of("Use hooks", "No jargon"), List.of("useState"));
        var chat = layer("inst_c", "chat", "append", 2, null, "Explain step by step", List.of(), List.of("useEffect"));

        ResolvedInstructions r = InstructionResolver.resolve(List.of(chat, project, global));

        assertEquals(List.of("inst_g", "inst_p", "inst_c"), r.layers().stream().map(InstructionLayer::id).toList());
        assertEquals("You are a React expert", r.merged().role());
        assertEquals("Explain step by step", r.merged().style());
        assertEquals(List.of("No jargon", "Use hooks"), r.merged().constraints());
        assertEquals(List.of("useState", "useEffect"), r.merged().examples());
        assertEquals("""
                You are a React expert

                Style: Explain step by step

                Constraints:
                - No jargon
                - Use hooks

                Examples:
                - useState
                - useEffect""", r.systemPrompt());
    }

    @Test
    void overrideDropsEverythingBeforeIt() {
        var global = layer("inst_g", "global", "append", 1, "You are helpful", "Be brief", List.of("No jargon"), List.of("x"));
        var project = layer("inst_p", "project", "override", 2, null, null, List.of("Only SQL"), List.of());
        var chat = layer("inst_c", "chat", "append", 3, null, null, List.of("Use CTEs"), List.of());

        ResolvedInstructions r = InstructionResolver.resolve(List.of(global, project, chat));

        assertEquals(null, r.merged().role());
        assertEquals(null, r.merged().style());
        assertEquals(List.of("Only SQL", "Use CTEs"), r.merged().constraints());
        assertEquals("Constraints:\n- Only SQL\n- Use CTEs", r.systemPrompt());
    }

    @Test
    void sameScopeOrdersByCreationThenId() {
        var a = layer("inst_b", "global", "append", 5, "second", null, List.of(), List.of());
        var b = layer("inst_a", "global", "append", 5, "first", null, List.of(), List.of());
        var c = layer("inst_c", "global", "append", 1, "earliest", null, List.of(), List.of());

        ResolvedInstructions r = InstructionResolver.resolve(List.of(a, b, c));

        assertEquals(List.of("inst_c", "inst_a", "inst_b"), r.layers().stream().map(InstructionLayer::id).toList());
        assertEquals("second", r.merged().role());
    }

    @Test
    void nothingAppliesRendersEmpty() {
        ResolvedInstructions r = InstructionResolver.resolve(List.of());
        assertEquals("", r.systemPrompt());
        assertEquals(true, r.merged().isEmpty());
    }
}
