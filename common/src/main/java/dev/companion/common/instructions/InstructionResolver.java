package dev.companion.common.instructions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The one rule by which instruction sets combine, shared by project-service ({@code /instructions/effective})
 * and chat-service (the system prompt it sends).
 *
 * <ol>
 *   <li>Order: global → project → chat; inside a scope by {@code createdAt}, then id.</li>
 *   <li>{@code override}: everything merged so far is dropped and this set's instructions stand alone.</li>
 *   <li>{@code append} (default): a non-blank role or style replaces the earlier one (the more specific
 *       layer wins); constraints and examples are appended, duplicates dropped (first occurrence kept).</li>
 *   <li>Rendering: the role; {@code "Style: …"}; {@code "Constraints:"} with {@code "- "} items;
 *       {@code "Examples:"} with {@code "- "} items; sections separated by one blank line, empty ones omitted.</li>
 * </ol>
 */
public final class InstructionResolver {

    private static final Comparator<InstructionLayer> ORDER = Comparator
            .comparingInt(InstructionLayer::scopeRank)
            .thenComparing(l -> l.createdAt() == null ? Instant.EPOCH : l.createdAt())
            .thenComparing(l -> l.id() == null ? "" : l.id());

    private InstructionResolver() {
    }

    public static ResolvedInstructions resolve(List<InstructionLayer> sets) {
        List<InstructionLayer> ordered = new ArrayList<>(sets);
        ordered.sort(ORDER);
        String role = null;
        String style = null;
        LinkedHashSet<String> constraints = new LinkedHashSet<>();
        LinkedHashSet<String> examples = new LinkedHashSet<>();
        for (InstructionLayer layer : ordered) {
            Instructions in = layer.instructions() == null ? Instructions.empty() : layer.instructions();
            if (layer.overrides()) {
                role = null;
                style = null;
                constraints.clear();
                examples.clear();
            }
            if (!Instructions.isBlank(in.role())) {
                role = in.role().strip();
            }
            if (!Instructions.isBlank(in.style())) {
                style = in.style().strip();
            }
            in.constraints().stream().filter(c -> !Instructions.isBlank(c)).map(String::strip).forEach(constraints::add);
            in.examples().stream().filter(e -> !Instructions.isBlank(e)).map(String::strip).forEach(examples::add);
        }
        Instructions merged = new Instructions(role, style, List.copyOf(constraints), List.copyOf(examples));
        return new ResolvedInstructions(List.copyOf(ordered), merged, render(merged));
    }

    public static String render(Instructions in) {
        List<String> sections = new ArrayList<>();
        if (!Instructions.isBlank(in.role())) {
            sections.add(in.role());
        }
        if (!Instructions.isBlank(in.style())) {
            sections.add("Style: " + in.style());
        }
        if (!in.constraints().isEmpty()) {
            sections.add("Constraints:\n" + bullets(in.constraints()));
        }
        if (!in.examples().isEmpty()) {
            sections.add("Examples:\n" + bullets(in.examples()));
        }
        return String.join("\n\n", sections);
    }

    private static String bullets(List<String> items) {
        StringBuilder sb = new StringBuilder();
        for (String item : items) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append("- ").append(item);
        }
        return sb.toString();
    }
}
