package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code image.requested} on image.jobs: a generation to run. Published again by the lease sweeper when a
 * worker lost its job, so a worker must treat it as "run this if it is still yours to run".
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ImageRequested(String generationId, String userId, String prompt, @Nullable String chatId,
                             @Nullable String projectId, ImageOptions options) implements ImageJobEvent {

    public static final String TYPE = "image.requested";

    @Override
    public String type() {
        return TYPE;
    }
}
