package dev.companion.auth.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** The one-time token that makes its holder the first admin (SHA-256 stored; one row, id 1). */
@Entity
@Table(name = "admin_setup_token")
public class AdminSetupToken extends PanacheEntityBase {

    public static final int ID = 1;

    @Id
    public Integer id;

    @Column(name = "token_hash", nullable = false)
    public String tokenHash;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "consumed_at")
    public Instant consumedAt;

    @Column(name = "consumed_by")
    public String consumedBy;
}
