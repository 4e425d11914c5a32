package dev.companion.download.rest.dto;

import java.util.List;

/** The answers of the download API, in the seed's shapes (plus {@code id} and a few extra fields). */
public final class DownloadViews {

    private DownloadViews() {
    }

    public record SingleDownload(String id, String downloadUrl, String expiresAt, long size, String format, String fileName) {
    }

    /** One file of a bundle made without a zip. */
    public record FileLink(String imageId, String fileName, String downloadUrl, long size) {
    }

    public record BulkDownload(String id, String status, String downloadUrl, String expiresAt, int fileCount,
                               long totalSize, String format, String fileName, List<FileLink> files) {
    }

    public record Failure(String code, String message) {
    }

    /** {@code GET /v1/downloads/{id}}. */
    public record DownloadStatus(String id, String type, String status, String format, String fileName,
                                 String downloadUrl, String expiresAt, boolean expired, Long size, int fileCount,
                                 long totalSize, List<FileLink> files, Failure error, String createdAt,
                                 String completedAt) {
    }

    public record Source(String imageId, String chatId, String projectId) {
    }

    public record HistoryEntry(String id, String type, String fileName, Long size, String downloadedAt, Source source,
                               String status, String format) {
    }

    public record History(List<HistoryEntry> downloads, dev.companion.common.api.Pagination pagination) {
    }
}
