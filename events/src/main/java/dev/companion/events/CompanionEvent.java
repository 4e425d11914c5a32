package dev.companion.events;

/**
 * The {@code data} of one event of the system, typed. Each record knows its event type, its topic and the
 * Kafka key it must be sent with (ARCHITECTURE.md "Kafka topics and events"), so a producer needs nothing
 * else to publish it. {@link EventTypes} maps type strings back to records for consumers.
 */
public sealed interface CompanionEvent permits UserEvent, ProjectEvent, ChatEvent, ImageJobEvent, ImageEvent, DownloadEvent {

    /** The envelope's {@code type} and the {@code ce_type} header, e.g. {@code project.created}. */
    String type();

    /** The Kafka topic this event is published on. */
    String topic();

    /**
     * The Kafka record key, taken from the payload. Null only where the topic is keyed by the acting user
     * and the payload does not carry that user ({@code download.events}): then the key is the envelope's
     * {@code userId}, see {@link #keyFor(String)}.
     */
    String key();

    /** The key to send with, given the envelope's {@code userId}: {@link #key()}, else that user. */
    default String keyFor(String envelopeUserId) {
        String key = key();
        return key != null ? key : envelopeUserId;
    }
}
