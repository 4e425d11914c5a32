package dev.companion.events;

/** {@code chat.created} and {@code chat.updated}: one shape, the chat's full state (no settings, no system message). */
public sealed interface ChatSnapshot extends ChatEvent permits ChatCreated, ChatUpdated {

    String id();

    String projectId();

    String userId();

    String name();

    String model();

    boolean archived();

    boolean starred();

    int messageCount();

    String createdAt();

    String updatedAt();

    @Override
    default String key() {
        return id();
    }

    /** The record for {@code type} ({@link ChatCreated#TYPE} or {@link ChatUpdated#TYPE}). */
    static ChatSnapshot of(String type, String id, String projectId, String userId, String name, String model, boolean archived,
                           boolean starred, int messageCount, String createdAt, String updatedAt) {
        return switch (type) {
            case ChatCreated.TYPE -> new ChatCreated(id, projectId, userId, name, model, archived, starred, messageCount, createdAt, updatedAt);
            case ChatUpdated.TYPE -> new ChatUpdated(id, projectId, userId, name, model, archived, starred, messageCount, createdAt, updatedAt);
            default -> throw new IllegalArgumentException("not a chat snapshot type: " + type);
        };
    }
}
