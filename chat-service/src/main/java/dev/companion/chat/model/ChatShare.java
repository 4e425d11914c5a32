package dev.companion.chat.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * A share link: the chat's current branch as it was when shared ({@code messages}: JSON list of
 * {@code ShareView.SharedMessage}). Never updated; revoking deletes it.
 */
@Entity
@Table(name = "chat_share")
public class ChatShare extends PanacheEntityBase {
    @Id
    public String id;
    @Column(name = "chat_id", nullable = false)
    public String chatId;
    @Column(name = "user_id", nullable = false)
    public String userId;
    @Column(nullable = false)
    public String title;
    @Column(nullable = false)
    public String model;
    @Column(nullable = false, columnDefinition = "text")
    public String messages;
    @Column(name = "message_count", nullable = false)
    public int messageCount;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
