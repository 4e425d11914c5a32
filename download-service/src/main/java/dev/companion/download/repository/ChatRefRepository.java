package dev.companion.download.repository;

import dev.companion.download.model.ChatRef;
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
public class ChatRefRepository implements PanacheRepositoryBase<ChatRef, String> {

    /** id → name for the given chat ids of {@code userId}. */
    public Uni<Map<String, String>> namesOf(String userId, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return list("userId = ?1 and id in ?2", userId, ids)
                .map(rows -> rows.stream().collect(Collectors.toMap(r -> r.id, r -> r.name)));
    }

    public Uni<Long> deleteByProject(String userId, String projectId) {
        return delete("userId = ?1 and projectId = ?2", userId, projectId);
    }

    /**
     * Stores a chat's name, from chat.events or from chat-service itself (read-your-writes): one atomic
     * statement, so the consumer and a lookup storing the same chat at once converge, and an older state
     * arriving late never overwrites a newer one.
     */
    public Uni<Void> upsert(String id, String userId, String projectId, String name, Instant updatedAt) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                        "INSERT INTO chat_ref (id, user_id, project_id, name, updated_at) VALUES (?1, ?2, ?3, ?4, ?5) "
                                + "ON CONFLICT (id) DO UPDATE SET user_id = EXCLUDED.user_id, project_id = EXCLUDED.project_id, "
                                + "name = EXCLUDED.name, updated_at = EXCLUDED.updated_at "
                                + "WHERE chat_ref.updated_at IS NULL OR chat_ref.updated_at <= EXCLUDED.updated_at",
                        new AffectedEntities(ChatRef.class))
                .setParameter(1, id).setParameter(2, userId).setParameter(3, projectId).setParameter(4, name)
                .setParameter(5, updatedAt).executeUpdate()).replaceWithVoid();
    }
}
