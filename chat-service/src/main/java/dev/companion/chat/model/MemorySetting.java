package dev.companion.chat.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** Memories as a whole on or off for one user; no row means on. */
@Entity
@Table(name = "memory_setting")
public class MemorySetting extends PanacheEntityBase {
    @Id
    @Column(name = "user_id")
    public String userId;
    @Column(nullable = false)
    public boolean enabled;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
