package dev.companion.download.repository;

import dev.companion.download.model.ProjectRef;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

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
}
