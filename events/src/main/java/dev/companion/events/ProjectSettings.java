package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** A project's {@code settings} as events carry them: always all three, resolved against the defaults. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ProjectSettings(boolean autoSave, boolean syncEnabled, boolean notifications) {
}
