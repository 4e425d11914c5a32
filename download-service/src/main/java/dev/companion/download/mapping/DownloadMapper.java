package dev.companion.download.mapping;

import dev.companion.download.rest.dto.BulkDownloadRequest;
import dev.companion.download.rest.dto.DownloadViews;
import dev.companion.download.rest.dto.SingleDownloadRequest;
import dev.companion.download.service.DownloadOrders;
import dev.companion.download.service.DownloadResults;

import java.util.List;

/** REST bodies to service orders, and service results to the wire views (field for field). */
public final class DownloadMapper {

    private DownloadMapper() {
    }

    public static DownloadOrders.Single order(SingleDownloadRequest r) {
        return r == null ? null : new DownloadOrders.Single(r.format(), r.quality(), r.width(), r.height(), r.upscale());
    }

    public static DownloadOrders.Bulk order(BulkDownloadRequest r) {
        return r == null ? null : new DownloadOrders.Bulk(r.imageIds(), r.format(), r.quality(), r.width(), r.height(),
                r.createZip(), r.folderStructure(), r.namingPattern(), r.upscale());
    }

    public static DownloadViews.SingleDownload view(DownloadResults.SingleDownload s) {
        return new DownloadViews.SingleDownload(s.id(), s.downloadUrl(), s.expiresAt(), s.size(), s.format(), s.fileName());
    }

    public static DownloadViews.BulkDownload view(DownloadResults.BulkDownload b) {
        return new DownloadViews.BulkDownload(b.id(), b.status(), b.downloadUrl(), b.expiresAt(), b.fileCount(),
                b.totalSize(), b.format(), b.fileName(), links(b.files()));
    }

    public static DownloadViews.DownloadStatus view(DownloadResults.DownloadStatus s) {
        return new DownloadViews.DownloadStatus(s.id(), s.type(), s.status(), s.format(), s.fileName(), s.downloadUrl(),
                s.expiresAt(), s.expired(), s.size(), s.fileCount(), s.totalSize(), links(s.files()),
                s.error() == null ? null : new DownloadViews.Failure(s.error().code(), s.error().message()),
                s.createdAt(), s.completedAt());
    }

    public static DownloadViews.History view(DownloadResults.History h) {
        List<DownloadViews.HistoryEntry> entries = h.downloads() == null ? null : h.downloads().stream()
                .map(e -> new DownloadViews.HistoryEntry(e.id(), e.type(), e.fileName(), e.size(), e.downloadedAt(),
                        e.source() == null ? null
                                : new DownloadViews.Source(e.source().imageId(), e.source().chatId(), e.source().projectId()),
                        e.status(), e.format()))
                .toList();
        return new DownloadViews.History(entries, h.pagination());
    }

    private static List<DownloadViews.FileLink> links(List<DownloadResults.FileLink> files) {
        return files == null ? null : files.stream()
                .map(f -> new DownloadViews.FileLink(f.imageId(), f.fileName(), f.downloadUrl(), f.size())).toList();
    }
}
