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

    /** width/height, or parsed from the seed's {@code size} "WxH" when the metadata is absent; {0, 0} if neither. */
    public static int[] dimensions(Integer width, Integer height, String size) {
        if (width != null && height != null) {
            return new int[]{width, height};
        }
        if (size != null && size.matches("\\d{1,5}x\\d{1,5}")) {
            String[] parts = size.split("x");
            return new int[]{Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        }
        return new int[]{0, 0};
    }
}
