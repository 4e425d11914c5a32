package dev.companion.project.rest.dto;

import dev.companion.common.api.Pagination;

import java.util.List;

/** The answer of {@code GET /v1/instructions}. */
public record InstructionPage(List<InstructionView> instructions, Pagination pagination) {
}
