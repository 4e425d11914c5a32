package dev.companion.project.events;

/** Event types this service publishes on {@code project.events}. */
public final class ProjectEventTypes {
    public static final String PROJECT_CREATED = "project.created";
    public static final String PROJECT_UPDATED = "project.updated";
    public static final String PROJECT_ARCHIVED = "project.archived";
    public static final String PROJECT_DELETED = "project.deleted";
    public static final String INSTRUCTION_CREATED = "instruction.created";
    public static final String INSTRUCTION_UPDATED = "instruction.updated";
    public static final String INSTRUCTION_DELETED = "instruction.deleted";

    private ProjectEventTypes() {
    }
}
