package dev.companion.chat.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** What chat-service knows of a project (from project.events): enough to check ownership. */
@Entity
@Table(name = "project_ref")
public class ProjectRef extends PanacheEntityBase {
    @Id
    public String id;
    @Column(name = "user_id", nullable = false)
    public String userId;
    public boolean archived;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
