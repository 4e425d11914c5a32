package dev.companion.download.repository;

import dev.companion.download.model.ProjectRef;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.common.AffectedEntities;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

@ApplicationScoped
public class ProjectRefRepository implements PanacheRepositoryBase<ProjectRef, String> {

    /** id → name for the given project ids of {@code userId}. */
    public Uni<Map<String, String>> namesOf(String userId, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return list("userId = ?1 and id in ?2", userId, ids)
                .map(rows -> rows.stream().collect(Collectors.toMap(r -> r.id, r -> r.name)));
    }

    /**
     * Stores a project's name, from project.events or from project-service itself (read-your-writes): one
     * atomic statement, so the consumer and a lookup storing the same project at once converge, and an
     * older state arriving late (a lookup answered before a rename whose event is already applied, or the
     * other way round) never overwrites a newer one.
     */
    public Uni<Void> upsert(String id, String userId, String name, Instant updatedAt) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                        "INSERT INTO project_ref (id, user_id, name, updated_at) VALUES (?1, ?2, ?3, ?4) "
                                + "ON CONFLICT (id) DO UPDATE SET user_id = EXCLUDED.user_id, name = EXCLUDED.name, "
                                + "updated_at = EXCLUDED.updated_at "
                                + "WHERE project_ref.updated_at IS NULL OR project_ref.updated_at <= EXCLUDED.updated_at",
                        new AffectedEntities(ProjectRef.class))
                .setParameter(1, id).setParameter(2, userId).setParameter(3, name).setParameter(4, updatedAt)
                .executeUpdate()).replaceWithVoid();
    }
}
