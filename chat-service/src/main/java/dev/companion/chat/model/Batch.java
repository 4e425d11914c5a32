package dev.companion.chat.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A batch of prompts run in one mode; {@code items} is the JSON list of each prompt's outcome. */
@Entity
@Table(name = "batch")
public class Batch extends PanacheEntityBase {
    @Id
    public String id;
    @Column(name = "chat_id", nullable = false)
    public String chatId;
    @Column(name = "user_id", nullable = false)
    public String userId;
    @Column(nullable = false)
    public String mode;
    /** running → complete | failed. */
    @Column(nullable = false)
    public String status;
    @Column(name = "continue_on_error", nullable = false)
    public boolean continueOnError;
    @Column(name = "timeout_ms", nullable = false)
    public long timeoutMs;
    @Column(nullable = false, columnDefinition = "text")
    public String items;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
    @Column(name = "completed_at")
    public Instant completedAt;
}
