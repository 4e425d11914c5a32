package dev.companion.events;

import java.util.List;

/** {@code user.registered} and {@code user.updated}: the same shape, the user's full public state. */
public sealed interface UserSnapshot extends UserEvent permits UserRegistered, UserUpdated {

    String email();

    String name();

    String plan();

    List<String> roles();

    /** The record for {@code type} ({@link UserRegistered#TYPE} or {@link UserUpdated#TYPE}). */
    static UserSnapshot of(String type, String id, String email, String name, String plan, List<String> roles) {
        return switch (type) {
            case UserRegistered.TYPE -> new UserRegistered(id, email, name, plan, roles);
            case UserUpdated.TYPE -> new UserUpdated(id, email, name, plan, roles);
            default -> throw new IllegalArgumentException("not a user snapshot type: " + type);
        };
    }
}
