package dev.companion.download.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** What download-service knows about a generated image, from image-service's {@code image.complete}. */
@Entity
@Table(name = "image_ref")
public class ImageRef extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(name = "generation_id")
    public String generationId;

    @Column(name = "chat_id")
    public String chatId;

    @Column(name = "project_id")
    public String projectId;

    @Column(columnDefinition = "text")
    public String prompt;

    public String format;

    public Integer width;

    public Integer height;

    public Long bytes;

    @Column(name = "storage_key", nullable = false)
    public String storageKey;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
