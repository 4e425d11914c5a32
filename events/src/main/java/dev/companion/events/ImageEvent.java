package dev.companion.events;

/** Events on {@code image.events} (image-service's workers and API), keyed by generationId. {@code image.progress} skips the outbox. */
public sealed interface ImageEvent extends CompanionEvent permits ImageProgress, ImageComplete, ImageFailed, ImageDeleted {

    String generationId();

    @Override
    default String topic() {
        return EventTopics.IMAGE_EVENTS;
    }

    @Override
    default String key() {
        return generationId();
    }
}
