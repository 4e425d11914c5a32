package dev.companion.download.events;

import dev.companion.download.rest.DownloadViews;

import java.util.List;

/** Payloads this service publishes on {@code download.events} (DEVELOPING.md "Events"). */
public final class DownloadEvents {

    public static final String READY = "download.ready";
    public static final String FAILED = "download.failed";

    private DownloadEvents() {
    }

    /** {@code files} is set only for a bundle made without a zip (then {@code downloadUrl} is null). */
    public record Ready(String downloadId, String type, String downloadUrl, String expiresAt, int fileCount,
                        long totalSize, String format, List<DownloadViews.FileLink> files) {
    }

    public record Failed(String downloadId, DownloadViews.Failure error) {
    }
}
