package dev.companion.project.rest.dto;

/** Limits shared by the create and update bodies of a project, so both refuse the same things. */
public final class ProjectConstraints {
    public static final int NAME_MIN = 3;
    public static final int NAME_MAX = 100;
    public static final int DESCRIPTION_MAX = 1000;
    public static final int TAGS_MAX = 20;
    /** Lower-case, starts with a letter or digit, at most 30 characters. */
    public static final String TAG_PATTERN = "^[a-z0-9][a-z0-9._-]{0,29}$";
    public static final String COLOR_PATTERN = "^#[0-9A-Fa-f]{6}$";

    private ProjectConstraints() {
    }
}
