package dev.companion.common.events;

import dev.companion.events.EventTopics;

/** Kafka topics of ARCHITECTURE.md; the names are the event contract's ({@link EventTopics}), kept here for compatibility. */
public final class Topics {
    public static final String USER_EVENTS = EventTopics.USER_EVENTS;
    public static final String PROJECT_EVENTS = EventTopics.PROJECT_EVENTS;
    public static final String CHAT_EVENTS = EventTopics.CHAT_EVENTS;
    public static final String CHAT_STREAM = EventTopics.CHAT_STREAM;
    public static final String IMAGE_JOBS = EventTopics.IMAGE_JOBS;
    public static final String IMAGE_EVENTS = EventTopics.IMAGE_EVENTS;
    public static final String DOWNLOAD_EVENTS = EventTopics.DOWNLOAD_EVENTS;

    private Topics() {
    }
}
