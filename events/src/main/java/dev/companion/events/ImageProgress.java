package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code image.progress} (seed): 0–100, only ever rising; {@code status} e.g. {@code generating}, {@code storing}. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ImageProgress(String generationId, int progress, String status) implements ImageEvent {

    public static final String TYPE = "image.progress";

    @Override
    public String type() {
        return TYPE;
    }
}
