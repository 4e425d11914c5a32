package dev.companion.image.repository;

import dev.companion.image.model.ChatRef;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.common.AffectedEntities;

/** The chat read model (chat.events, or chat-service itself on a miss: {@code KnownChats}). */
@ApplicationScoped
public class ChatRefRepository implements PanacheRepositoryBase<ChatRef, String> {

    public Uni<ChatRef> findOwned(String chatId, String userId) {
        return find("chatId = ?1 and userId = ?2", chatId, userId).firstResult();
    }

    /**
     * Stores what image-service learned of a chat, from chat.events or from chat-service itself
     * (read-your-writes): one statement, so the consumer and an owner lookup racing for a chat converge.
     */
    public Uni<Void> upsert(String chatId, String projectId, String userId) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                        "INSERT INTO chat_ref (chat_id, project_id, user_id, updated_at) VALUES (?1, ?2, ?3, now()) "
                                + "ON CONFLICT (chat_id) DO UPDATE SET project_id = EXCLUDED.project_id, user_id = EXCLUDED.user_id, "
                                + "updated_at = EXCLUDED.updated_at", new AffectedEntities(ChatRef.class))
                .setParameter(1, chatId).setParameter(2, projectId).setParameter(3, userId)
                .executeUpdate()).replaceWithVoid();
    }

    public Uni<Long> deleteByProject(String projectId) {
        return delete("projectId", projectId);
    }
}
