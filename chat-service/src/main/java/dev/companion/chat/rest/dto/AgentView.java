package dev.companion.chat.rest.dto;

import java.time.Instant;

/** A connected browser agent ({@code GET /v1/agents}; seed 004's {@code /api/connections}). */
public record AgentView(String id, String userId, String name, Instant connectedAt, Instant lastHeartbeat, Instant lastMessageAt,
                        boolean busy) {
}
