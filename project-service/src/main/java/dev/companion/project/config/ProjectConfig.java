package dev.companion.project.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Typed settings of project-service ({@code companion.project.*}). */
@ConfigMapping(prefix = "companion.project")
public interface ProjectConfig {

    /** Settings a new project gets when the request leaves them out. */
    DefaultSettings defaultSettings();

    /** Longest accepted {@code search} text on the project list. */
    @WithDefault("100")
    int searchMaxLength();

    /** At most this many tags in a {@code tags} list filter. */
    @WithDefault("20")
    int tagFilterMax();

    interface DefaultSettings {
        @WithDefault("true")
        boolean autoSave();

        @WithDefault("true")
        boolean syncEnabled();

        @WithDefault("false")
        boolean notifications();
    }
}
