package dev.companion.auth.rest.dto;

import dev.companion.auth.model.AdminAuditEntry;

/** One audit entry as admins see it. */
public record AuditEntryResponse(String id, String actorId, String action, String targetType, String targetId,
                                 String details, String requestId, java.time.Instant createdAt) {
    public static AuditEntryResponse of(AdminAuditEntry e) {
        return new AuditEntryResponse(e.id, e.actorId, e.action, e.targetType, e.targetId, e.details, e.requestId, e.createdAt);
    }
}
