package dev.companion.chat.rest.dto;

import java.util.List;

/**
 * The user's memories (newest first) and whether memories are on at all ({@code enabled}); {@code tokenBudget}
 * is what the system prompt gives them, {@code tokensUsed} what the enabled ones that fit take of it
 * (seed 001's {@code memory_max_tokens} / {@code memory_num_tokens}).
 */
public record MemoryList(List<MemoryView> memories, boolean enabled, int tokenBudget, int tokensUsed) {
}
