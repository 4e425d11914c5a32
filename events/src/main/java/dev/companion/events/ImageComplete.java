package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** {@code image.complete} (seed fields plus metadata): the generation's images are stored. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ImageComplete(String generationId, @Nullable String chatId, @Nullable String projectId, String prompt,
                            List<GeneratedImage> images) implements ImageEvent {

    public static final String TYPE = "image.complete";

    @Override
    public String type() {
        return TYPE;
    }
}
