package dev.companion.download.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A chat's name, for {@code {chat}} in file names and {@code grouped} folders. */
@Entity
@Table(name = "chat_ref")
public class ChatRef extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(name = "project_id")
    public String projectId;

    @Column(nullable = false)
    public String name;

    /** When the owner last changed it; an older state arriving late never overwrites a newer one. */
    @Column(name = "updated_at")
    public Instant updatedAt;
}
