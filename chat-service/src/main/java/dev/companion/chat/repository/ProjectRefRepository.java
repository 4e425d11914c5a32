package dev.companion.chat.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import org.hibernate.reactive.common.AffectedEntities;
import java.time.Instant;

import dev.companion.chat.model.ProjectRef;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class ProjectRefRepository implements PanacheRepositoryBase<ProjectRef, String> {

    public Uni<ProjectRef> findOwned(String projectId, String userId) {
        return find("id = ?1 and userId = ?2", projectId, userId).firstResult();
    }

    /**
     * Stores what chat-service learned of a project, from project.events or from project-service itself
     * (read-your-writes): one atomic statement, so the consumer and an owner lookup racing for the same
     * project converge, and an older state arriving late never overwrites a newer one.
     */
    public Uni<Void> upsert(String id, String userId, boolean archived, Instant updatedAt) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                        "INSERT INTO project_ref (id, user_id, archived, updated_at) VALUES (?1, ?2, ?3, ?4) "
                                + "ON CONFLICT (id) DO UPDATE SET user_id = EXCLUDED.user_id, archived = EXCLUDED.archived, "
                                + "updated_at = EXCLUDED.updated_at WHERE project_ref.updated_at <= EXCLUDED.updated_at",
                        new AffectedEntities(ProjectRef.class))
                .setParameter(1, id).setParameter(2, userId).setParameter(3, archived).setParameter(4, updatedAt)
                .executeUpdate()).replaceWithVoid();
    }
}
