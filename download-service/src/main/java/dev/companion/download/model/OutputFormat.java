package dev.companion.download.model;

import java.util.Locale;

/** The formats a download can be converted to; all three are already compressed. */
public enum OutputFormat {
    PNG("png", "image/png"),
    JPG("jpg", "image/jpeg"),
    WEBP("webp", "image/webp");

    private final String extension;
    private final String contentType;

    OutputFormat(String extension, String contentType) {
        this.extension = extension;
        this.contentType = contentType;
    }

    public String extension() {
        return extension;
    }

    public String contentType() {
        return contentType;
    }

    /** {@code png|jpg|webp} (also {@code jpeg}); null for anything else. */
    public static OutputFormat parse(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "png" -> PNG;
            case "jpg", "jpeg" -> JPG;
            case "webp" -> WEBP;
            default -> null;
        };
    }
}
