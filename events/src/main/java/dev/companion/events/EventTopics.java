package dev.companion.events;

/**
 * The Kafka topics of ARCHITECTURE.md. Same names as {@code dev.companion.common.events.Topics}, which
 * may delegate here once common depends on this module.
 */
public final class EventTopics {
    public static final String USER_EVENTS = "user.events";
    public static final String PROJECT_EVENTS = "project.events";
    public static final String CHAT_EVENTS = "chat.events";
    /** {@code message.chunk} only: the live text of answers, read by the gateways alone (#14). */
    public static final String CHAT_STREAM = "chat.stream";
    public static final String IMAGE_JOBS = "image.jobs";
    public static final String IMAGE_EVENTS = "image.events";
    public static final String DOWNLOAD_EVENTS = "download.events";

    private EventTopics() {
    }
}
