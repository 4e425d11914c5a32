package dev.companion.project.repository;

import dev.companion.project.model.Project;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Projects by id, always scoped to their owner. */
@ApplicationScoped
public class ProjectRepository implements PanacheRepositoryBase<Project, String> {

    /** The project if it exists and belongs to {@code userId}; null otherwise (the caller answers 404 either way). */
    public Uni<Project> findOwned(String id, String userId) {
        return find("id = ?1 and userId = ?2", id, userId).firstResult();
    }
}
