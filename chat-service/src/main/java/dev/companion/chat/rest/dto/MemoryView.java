package dev.companion.chat.rest.dto;

/** One memory: the fact, whether it is used, what it costs in tokens (o200k), when it was written. */
public record MemoryView(String id, String content, boolean enabled, int tokens, String createdAt, String updatedAt) {
}
