package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** The seed's {@code instructions} object of a set; the lists are empty, never null. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record InstructionContent(@Nullable String role, @Nullable String style, List<String> constraints, List<String> examples) {
}
