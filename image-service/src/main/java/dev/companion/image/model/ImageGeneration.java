package dev.companion.image.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One generation request and its job state (see V1__init.sql for the state machine). */
@Entity
@Table(name = "image_generation")
public class ImageGeneration extends PanacheEntityBase {

    @Id
    public String id;

    @Column(insertable = false, updatable = false)
    public Long seq;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(name = "chat_id")
    public String chatId;

    @Column(name = "project_id")
    public String projectId;

    @Column(nullable = false)
    public String prompt;

    @Column(nullable = false)
    public String model;

    @Column(nullable = false)
    public String size;

    @Column(nullable = false)
    public String quality;

    @Column(nullable = false)
    public String style;

    @Column(nullable = false)
    public int n;

    @Column(nullable = false)
    public String status;

    @Column(nullable = false)
    public int progress;

    @Column(name = "worker_id")
    public String workerId;

    @Column(name = "lease_until")
    public Instant leaseUntil;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "error_code")
    public String errorCode;

    @Column(name = "error_message")
    public String errorMessage;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "completed_at")
    public Instant completedAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public GenerationStatus state() {
        return GenerationStatus.of(status);
    }

    public int width() {
        return Integer.parseInt(size.substring(0, size.indexOf('x')));
    }

    public int height() {
        return Integer.parseInt(size.substring(size.indexOf('x') + 1));
    }
}
