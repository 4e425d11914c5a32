package dev.companion.image.mapping;

import dev.companion.common.api.ErrorResponse;
import dev.companion.events.GeneratedImage;
import dev.companion.image.client.ImageStorage;
import dev.companion.image.model.GenerationStatus;
import dev.companion.image.model.ImageGeneration;
import dev.companion.image.model.StoredImage;
import dev.companion.image.rest.dto.GenerationView;
import dev.companion.image.rest.dto.ImageView;
import dev.companion.image.service.GenerationState;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Entities → views and event payloads. URLs are signed fresh on every call (signing is local). */
@ApplicationScoped
public class ImageMapper {

    private final ImageStorage storage;

    public ImageMapper(ImageStorage storage) {
        this.storage = storage;
    }

    public ImageView view(StoredImage i) {
        return new ImageView(i.id, storage.presignedUrl(i.storageKey), storage.presignedUrl(i.thumbnailKey), i.size(),
                i.format, ErrorResponse.Timestamps.format(i.createdAt), i.width, i.height, i.bytes, i.checksum,
                i.generationId, i.chatId, i.projectId, i.prompt, i.storageKey);
    }

    /** One image of image.complete: the seed's fields, fresh presigned URLs, and what read models keep. */
    public GeneratedImage completed(StoredImage i) {
        return new GeneratedImage(i.id, storage.presignedUrl(i.storageKey), storage.presignedUrl(i.thumbnailKey),
                i.size(), i.format, ErrorResponse.Timestamps.format(i.createdAt), i.width, i.height, i.bytes, i.checksum,
                i.storageKey);
    }

    /**
     * Client-facing status: the seed knows {@code processing} and {@code completed}; a queued job is reported
     * as {@code processing} too (with its queuePosition), failures as {@code failed}, cancellations as {@code cancelled}.
     */
    public GenerationView view(GenerationState s) {
        return view(s.generation(), s.images(), s.queuePosition(), s.estimatedTime());
    }

    public GenerationView view(ImageGeneration g, List<StoredImage> images, Long queuePosition, Integer estimatedTime) {
        GenerationStatus s = g.state();
        String status = s == GenerationStatus.QUEUED ? "processing" : g.status;
        GenerationView.ErrorView error = g.errorCode == null ? null : new GenerationView.ErrorView(g.errorCode, g.errorMessage);
        List<ImageView> views = s == GenerationStatus.COMPLETED ? images.stream().map(this::view).toList() : null;
        return new GenerationView(g.id, status, g.prompt, g.model, g.size, g.quality, g.style, g.n, g.chatId, g.projectId,
                g.progress, queuePosition, estimatedTime, views, error, ErrorResponse.Timestamps.format(g.createdAt),
                ErrorResponse.Timestamps.format(g.completedAt));
    }
}
