package dev.companion.download.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A project's name, for {@code {project}} in file names and {@code grouped} folders. */
@Entity
@Table(name = "project_ref")
public class ProjectRef extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(nullable = false)
    public String name;

    /** When the owner last changed it; an older state arriving late never overwrites a newer one. */
    @Column(name = "updated_at")
    public Instant updatedAt;
}
