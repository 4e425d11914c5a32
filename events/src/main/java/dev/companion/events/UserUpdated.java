package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** {@code user.updated}: a changed account (name, plan, roles); {@code roles} in the order stored, e.g. {@code ["user","admin"]}. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record UserUpdated(String id, String email, String name, String plan, List<String> roles) implements UserSnapshot {

    public static final String TYPE = "user.updated";

    @Override
    public String type() {
        return TYPE;
    }
}
