package dev.companion.image.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A generated image kept in S3 (original and thumbnail) with its measured metadata. */
@Entity
@Table(name = "image")
public class StoredImage extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "generation_id", nullable = false)
    public String generationId;

    @Column(nullable = false)
    public int idx;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(name = "chat_id")
    public String chatId;

    @Column(name = "project_id")
    public String projectId;

    @Column(nullable = false)
    public String prompt;

    @Column(name = "storage_key", nullable = false)
    public String storageKey;

    @Column(name = "thumbnail_key", nullable = false)
    public String thumbnailKey;

    @Column(nullable = false)
    public String format;

    @Column(nullable = false)
    public int width;

    @Column(nullable = false)
    public int height;

    @Column(nullable = false)
    public long bytes;

    @Column(nullable = false)
    public String checksum;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    public String size() {
        return width + "x" + height;
    }
}
