package dev.companion.download.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One download a user asked for: history entry, status of a background bundle, and what to purge at expiry. */
@Entity
@Table(name = "download")
public class Download extends PanacheEntityBase {

    public static final String SINGLE = "single";
    public static final String BULK = "bulk";
    public static final String PROCESSING = "processing";
    public static final String READY = "ready";
    public static final String FAILED = "failed";

    @Id
    public String id;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(nullable = false)
    public String type;

    @Column(nullable = false)
    public String status;

    @Column(nullable = false)
    public String format;

    @Column(name = "file_name")
    public String fileName;

    @Column(name = "object_key")
    public String objectKey;

    public Long size;

    @Column(name = "file_count", nullable = false)
    public int fileCount;

    @Column(name = "total_size", nullable = false)
    public long totalSize;

    @Column(name = "image_id")
    public String imageId;

    @Column(name = "chat_id")
    public String chatId;

    @Column(name = "project_id")
    public String projectId;

    @Column(columnDefinition = "text")
    public String request;

    @Column(name = "error_code")
    public String errorCode;

    @Column(name = "error_message")
    public String errorMessage;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "completed_at")
    public Instant completedAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "purged_at")
    public Instant purgedAt;

    @Column(nullable = false)
    public boolean deleted;
}
