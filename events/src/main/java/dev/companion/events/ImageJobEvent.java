package dev.companion.events;

/** Events on {@code image.jobs}: the work queue of image-service's workers, keyed by generationId. */
public sealed interface ImageJobEvent extends CompanionEvent permits ImageRequested {

    String generationId();

    @Override
    default String topic() {
        return EventTopics.IMAGE_JOBS;
    }

    @Override
    default String key() {
        return generationId();
    }
}
