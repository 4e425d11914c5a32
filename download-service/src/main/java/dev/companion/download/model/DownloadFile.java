package dev.companion.download.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.Objects;

/** One per-image file of a bundle made without a zip ({@code createZip: false}). */
@Entity
@Table(name = "download_file")
@IdClass(DownloadFile.Key.class)
public class DownloadFile extends PanacheEntityBase {

    @Id
    @Column(name = "download_id")
    public String downloadId;

    @Id
    public int position;

    @Column(name = "image_id", nullable = false)
    public String imageId;

    @Column(name = "file_name", nullable = false)
    public String fileName;

    @Column(name = "object_key", nullable = false)
    public String objectKey;

    @Column(nullable = false)
    public long size;

    public static class Key implements Serializable {
        public String downloadId;
        public int position;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.position == position && Objects.equals(k.downloadId, downloadId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(downloadId, position);
        }
    }
}
