package dev.companion.download.service;

import java.util.List;

/** What a caller asks the download service for; the REST bodies map onto these (nulls mean the defaults). */
public final class DownloadOrders {

    private DownloadOrders() {
    }

    /** One image: format, quality and bounds, all optional. */
    public record Single(String format, Integer quality, Integer width, Integer height, Boolean upscale) {
    }

    /** A bundle of images, before defaults and checks ({@link BulkOptions} is the checked form). */
    public record Bulk(List<String> imageIds, String format, Integer quality, Integer width, Integer height,
                       Boolean createZip, String folderStructure, String namingPattern, Boolean upscale) {
    }
}
