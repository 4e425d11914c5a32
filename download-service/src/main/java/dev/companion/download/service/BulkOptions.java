package dev.companion.download.service;

import java.util.List;

/** A bulk request after defaults and checks; kept as JSON on the download row for the background job. */
public record BulkOptions(List<String> imageIds, String format, int quality, Integer width, Integer height,
                          boolean createZip, String folderStructure, String namingPattern, boolean upscale) {
}
