package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * {@code download.ready}: a bundle built in the background is ready. On the wire the download's kind
 * ({@code single} or {@code bulk}) is {@code type}; here it is {@code downloadType} so it cannot be mistaken
 * for the event type (the gateway also renames it {@code downloadType} for sockets). Either {@code downloadUrl}
 * (a zip) or {@code files} (no zip) is set, the other null.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DownloadReady(String downloadId, @JsonProperty("type") String downloadType, @Nullable String downloadUrl,
                            String expiresAt, int fileCount, long totalSize, String format,
                            @Nullable List<DownloadFile> files) implements DownloadEvent {

    public static final String TYPE = "download.ready";

    @Override
    public String type() {
        return TYPE;
    }
}
