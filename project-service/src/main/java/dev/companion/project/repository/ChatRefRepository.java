package dev.companion.project.repository;

import dev.companion.project.model.ChatRef;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.common.AffectedEntities;

import java.time.Instant;

/** The chats chat-service has announced (read model from chat.events, or learned from chat-service on a miss). */
@ApplicationScoped
public class ChatRefRepository implements PanacheRepositoryBase<ChatRef, String> {

    public Uni<ChatRef> findOwned(String chatId, String userId) {
        return find("chatId = ?1 and userId = ?2", chatId, userId).firstResult();
    }

    /**
     * Records a chat unless it is recorded already; true when this call recorded it. One statement, so
     * chat.created and a read-your-writes lookup racing for the same chat never fail on the key and
     * exactly one of them counts it (the other waits for it to commit, then sees 0 rows).
     */
    public Uni<Boolean> insertIfAbsent(String chatId, String projectId, String userId, Instant createdAt) {
        return getSession().flatMap(s -> s.createNativeQuery(
                        "INSERT INTO chat_ref (chat_id, project_id, user_id, created_at) VALUES (?1, ?2, ?3, ?4) "
                                + "ON CONFLICT (chat_id) DO NOTHING", new AffectedEntities(ChatRef.class))
                .setParameter(1, chatId).setParameter(2, projectId).setParameter(3, userId).setParameter(4, createdAt)
                .executeUpdate()).map(rows -> rows > 0);
    }
}
