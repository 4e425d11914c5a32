package dev.companion.auth.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One admin action: who ({@code actorId}) did what ({@code action}) to which target, when. */
@Entity
@Table(name = "admin_audit")
public class AdminAuditEntry extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "actor_id", nullable = false)
    public String actorId;

    @Column(nullable = false)
    public String action;

    @Column(name = "target_type", nullable = false)
    public String targetType;

    @Column(name = "target_id", nullable = false)
    public String targetId;

    public String details;

    @Column(name = "request_id")
    public String requestId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
