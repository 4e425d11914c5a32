package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code image.failed}: provider failure, cancellation ({@code CANCELLED}) or too many lost workers ({@code WORKER_LOST}). */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ImageFailed(String generationId, ErrorInfo error) implements ImageEvent {

    public static final String TYPE = "image.failed";

    @Override
    public String type() {
        return TYPE;
    }
}
