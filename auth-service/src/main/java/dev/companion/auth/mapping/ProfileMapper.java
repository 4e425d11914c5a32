package dev.companion.auth.mapping;

import dev.companion.auth.model.User;
import dev.companion.auth.model.UserUsage;
import dev.companion.auth.rest.dto.ProfileResponse;

/** User + usage read model → the seed's profile. */
public final class ProfileMapper {

    private ProfileMapper() {
    }

    public static ProfileResponse toProfile(User user, UserUsage usage) {
        ProfileResponse.Usage u = usage == null ? new ProfileResponse.Usage(0, 0, 0)
                : new ProfileResponse.Usage(usage.projects, usage.chats, usage.images);
        return new ProfileResponse(user.id, user.email, user.name, user.plan, u);
    }
}
