package dev.companion.auth.rest.dto;

import dev.companion.auth.model.User;

import java.util.List;

import static dev.companion.common.api.ErrorResponse.Timestamps.format;

/** A user as admins list them. */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record AdminUserResponse(String id, String email, String name, String subscription, List<String> roles,
                                String createdAt) {

    public static AdminUserResponse of(User u) {
        return new AdminUserResponse(u.id, u.email, u.name, u.plan, List.copyOf(u.roleSet()), format(u.createdAt));
    }
}
