package dev.companion.image.events;

import java.util.List;

/** Payloads ({@code data}) of the events image-service produces; shapes as in docs/DEVELOPING.md "Events". */
public final class ImageEvents {

    public static final String REQUESTED = "image.requested";
    public static final String PROGRESS = "image.progress";
    public static final String COMPLETE = "image.complete";
    public static final String FAILED = "image.failed";
    public static final String DELETED = "image.deleted";

    private ImageEvents() {
    }

    public record Options(String model, String size, String quality, String style, int n) {
    }

    public record Requested(String generationId, String userId, String prompt, String chatId, String projectId, Options options) {
    }

    public record Progress(String generationId, int progress, String status) {
    }

    public record CompletedImage(String id, String url, String thumbnailUrl, String size, String format, String createdAt,
                                 int width, int height, long bytes, String checksum, String storageKey) {
    }

    public record Complete(String generationId, String chatId, String projectId, String prompt, List<CompletedImage> images) {
    }

    public record Error(String code, String message) {
    }

    public record Failed(String generationId, Error error) {
    }

    public record Deleted(List<String> imageIds, String generationId, String chatId, String projectId) {
    }
}
