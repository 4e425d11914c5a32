package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** {@code image.deleted}: images of one generation are gone (one image, or all with their chat or project). */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ImageDeleted(List<String> imageIds, String generationId, @Nullable String chatId,
                           @Nullable String projectId) implements ImageEvent {

    public static final String TYPE = "image.deleted";

    @Override
    public String type() {
        return TYPE;
    }
}
