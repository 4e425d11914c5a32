package dev.companion.download.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;

/** The parts of other services' event payloads this service reads (unknown fields are ignored on purpose). */
public final class InboundEvents {

    private InboundEvents() {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ImageComplete(String generationId, String chatId, String projectId, String prompt, List<Image> images) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Image(String id, String size, String format, Integer width, Integer height, Long bytes,
                        String checksum, String storageKey, String createdAt) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ImageDeleted(List<String> imageIds, String generationId, String chatId, String projectId) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Project(String id, String userId, String name, String updatedAt) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Chat(String id, String projectId, String userId, String name, String updatedAt) {
    }
}
