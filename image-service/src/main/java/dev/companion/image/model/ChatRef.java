package dev.companion.image.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** Read model from chat.events: a chat's owner and project, so requests can name a chat. */
@Entity
@Table(name = "chat_ref")
public class ChatRef extends PanacheEntityBase {

    @Id
    @Column(name = "chat_id")
    public String chatId;

    @Column(name = "project_id", nullable = false)
    public String projectId;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
