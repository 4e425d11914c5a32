package dev.companion.auth.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** Read model of a user's counts, built from other services' events. */
@Entity
@Table(name = "user_usage")
public class UserUsage extends PanacheEntityBase {

    @Id
    @Column(name = "user_id")
    public String userId;

    public long projects;

    public long chats;

    public long images;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
