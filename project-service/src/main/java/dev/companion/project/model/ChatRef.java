package dev.companion.project.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A chat that chat-service announced: who owns it and which project it is in (read model). */
@Entity
@Table(name = "chat_ref")
public class ChatRef extends PanacheEntityBase {

    @Id
    @Column(name = "chat_id")
    public String chatId;

    @Column(name = "project_id")
    public String projectId;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
