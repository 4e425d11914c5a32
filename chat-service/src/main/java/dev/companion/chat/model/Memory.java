package dev.companion.chat.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A user-level fact the model is told about in every chat of the user (while enabled). */
@Entity
@Table(name = "memory")
public class Memory extends PanacheEntityBase {
    @Id
    public String id;
    @Column(name = "user_id", nullable = false)
    public String userId;
    @Column(nullable = false, columnDefinition = "text")
    public String content;
    @Column(nullable = false)
    public boolean enabled;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
