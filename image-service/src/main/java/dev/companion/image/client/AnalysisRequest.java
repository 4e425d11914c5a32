package dev.companion.image.client;

import java.awt.image.BufferedImage;

/** An image already checked (type by content, bytes and pixel limits) plus what the caller asked. */
public record AnalysisRequest(byte[] bytes, String format, BufferedImage image, String question,
                              String detailLevel, String focus, String outputFormat) {
}
