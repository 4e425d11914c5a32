package dev.companion.chat.repository;

import dev.companion.chat.model.ProjectRef;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class ProjectRefRepository implements PanacheRepositoryBase<ProjectRef, String> {

    public Uni<ProjectRef> findOwned(String projectId, String userId) {
        return find("id = ?1 and userId = ?2", projectId, userId).firstResult();
    }
}
