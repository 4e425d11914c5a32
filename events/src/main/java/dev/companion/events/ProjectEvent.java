package dev.companion.events;

/**
 * Events on {@code project.events} (project-service): projects keyed by projectId, instruction sets keyed by
 * their projectId, or by their userId when they belong to no project (global scope).
 */
public sealed interface ProjectEvent extends CompanionEvent permits ProjectSnapshot, ProjectDeleted, InstructionSnapshot, InstructionDeleted {

    @Override
    default String topic() {
        return EventTopics.PROJECT_EVENTS;
    }
}
