package dev.companion.events;

/** Events on {@code user.events} (auth-service), keyed by the user's id. */
public sealed interface UserEvent extends CompanionEvent permits UserSnapshot, UserDeleted {

    /** The user's id. */
    String id();

    @Override
    default String topic() {
        return EventTopics.USER_EVENTS;
    }

    @Override
    default String key() {
        return id();
    }
}
