package dev.companion.common.events;

/** Kafka topics of ARCHITECTURE.md. */
public final class Topics {
    public static final String USER_EVENTS = "user.events";
    public static final String PROJECT_EVENTS = "project.events";
    public static final String CHAT_EVENTS = "chat.events";
    public static final String IMAGE_JOBS = "image.jobs";
    public static final String IMAGE_EVENTS = "image.events";
    public static final String DOWNLOAD_EVENTS = "download.events";

    private Topics() {
    }
}
