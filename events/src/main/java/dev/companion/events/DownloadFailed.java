package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code download.failed}: the bundle could not be built; {@code code} is an API error code (e.g. {@code SERVER_ERROR}). */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DownloadFailed(String downloadId, ErrorInfo error) implements DownloadEvent {

    public static final String TYPE = "download.failed";

    @Override
    public String type() {
        return TYPE;
    }
}
