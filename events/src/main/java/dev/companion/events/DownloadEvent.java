package dev.companion.events;

/**
 * Events on {@code download.events} (download-service), keyed by the user who asked. The payloads do not
 * carry that user, so {@link #key()} is null: send with {@link #keyFor(String)} and the envelope's userId.
 */
public sealed interface DownloadEvent extends CompanionEvent permits DownloadReady, DownloadFailed {

    String downloadId();

    @Override
    default String topic() {
        return EventTopics.DOWNLOAD_EVENTS;
    }

    @Override
    default String key() {
        return null;
    }
}
