package dev.companion.auth.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A single-use authorization code; only its SHA-256 is stored. */
@Entity
@Table(name = "authorization_code")
public class AuthorizationCode extends PanacheEntityBase {

    @Id
    @Column(name = "code_hash")
    public String codeHash;

    @Column(name = "client_id", nullable = false)
    public String clientId;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(name = "redirect_uri", nullable = false)
    public String redirectUri;

    /** Whether the authorize request named the redirect_uri (then the token request must repeat it). */
    @Column(name = "redirect_uri_given", nullable = false)
    public boolean redirectUriGiven;

    @Column(nullable = false)
    public String scope;

    @Column(name = "code_challenge")
    public String codeChallenge;

    /** The refresh-token family the exchange starts, so a replayed code can revoke what it issued. */
    @Column(name = "family_id", nullable = false)
    public String familyId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "used_at")
    public Instant usedAt;
}
