package dev.companion.image.repository;

import dev.companion.image.model.ChatRef;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** The chat read model. */
@ApplicationScoped
public class ChatRefRepository implements PanacheRepositoryBase<ChatRef, String> {

    public Uni<ChatRef> findOwned(String chatId, String userId) {
        return find("chatId = ?1 and userId = ?2", chatId, userId).firstResult();
    }

    public Uni<Long> deleteByProject(String projectId) {
        return delete("projectId", projectId);
    }
}
