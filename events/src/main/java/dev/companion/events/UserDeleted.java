package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code user.deleted}: the account is gone. In ARCHITECTURE.md and DEVELOPING.md, but auth-service has no
 * producer for it yet (there is no account deletion).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record UserDeleted(String id) implements UserEvent {

    public static final String TYPE = "user.deleted";

    @Override
    public String type() {
        return TYPE;
    }
}
