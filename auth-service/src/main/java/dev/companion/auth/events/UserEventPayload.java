package dev.companion.auth.events;

import dev.companion.auth.model.User;

import java.util.List;

/** Payload of {@code user.registered} / {@code user.updated}: the user's full public state. */
public record UserEventPayload(String id, String email, String name, String plan, List<String> roles) {

    public static UserEventPayload of(User user) {
        return new UserEventPayload(user.id, user.email, user.name, user.plan, List.copyOf(user.roleSet()));
    }
}
