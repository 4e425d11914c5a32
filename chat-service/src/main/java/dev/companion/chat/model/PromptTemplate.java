package dev.companion.chat.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A prompt template of a user: a body with {@code {{variable}}} slots; {@code variables} is JSON. */
@Entity
@Table(name = "prompt_template")
public class PromptTemplate extends PanacheEntityBase {
    @Id
    public String id;
    @Column(name = "user_id", nullable = false)
    public String userId;
    @Column(nullable = false)
    public String name;
    public String description;
    @Column(nullable = false, columnDefinition = "text")
    public String body;
    @Column(nullable = false, columnDefinition = "text")
    public String variables;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
