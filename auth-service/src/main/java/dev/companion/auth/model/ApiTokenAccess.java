package dev.companion.auth.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An access token exchanged from an API token: denylisted when the API token is deleted. */
@Entity
@Table(name = "api_token_access")
public class ApiTokenAccess extends PanacheEntityBase {

    @Id
    public String jti;

    @Column(name = "api_token_id", nullable = false)
    public String apiTokenId;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;
}
