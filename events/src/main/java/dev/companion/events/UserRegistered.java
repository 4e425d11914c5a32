package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** {@code user.registered}: a new account; {@code roles} in the order stored, e.g. {@code ["user","admin"]}. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record UserRegistered(String id, String email, String name, String plan, List<String> roles) implements UserSnapshot {

    public static final String TYPE = "user.registered";

    @Override
    public String type() {
        return TYPE;
    }
}
