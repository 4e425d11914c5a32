package dev.companion.project.repository;

import dev.companion.project.model.ChatRef;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** The chats chat-service has announced (read model from chat.events). */
@ApplicationScoped
public class ChatRefRepository implements PanacheRepositoryBase<ChatRef, String> {

    public Uni<ChatRef> findOwned(String chatId, String userId) {
        return find("chatId = ?1 and userId = ?2", chatId, userId).firstResult();
    }
}
