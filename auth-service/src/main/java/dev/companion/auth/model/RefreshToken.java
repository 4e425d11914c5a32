package dev.companion.auth.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An opaque refresh token (SHA-256 stored). Used once: each use rotates it within its family. */
@Entity
@Table(name = "refresh_token")
public class RefreshToken extends PanacheEntityBase {

    @Id
    @Column(name = "token_hash")
    public String tokenHash;

    @Column(name = "family_id", nullable = false)
    public String familyId;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(name = "client_id", nullable = false)
    public String clientId;

    @Column(nullable = false)
    public String scope;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "used_at")
    public Instant usedAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    /** {@code jti} of the access token issued with this refresh token (denylisted when the family is revoked). */
    @Column(name = "access_jti")
    public String accessJti;

    @Column(name = "access_expires_at")
    public Instant accessExpiresAt;
}
