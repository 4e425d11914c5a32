package dev.companion.chat.repository;

import dev.companion.chat.model.Message;
import dev.companion.chat.model.MessageStatus;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class MessageRepository implements PanacheRepositoryBase<Message, String> {

    /** A page of the chat's messages in the order they were written (every branch). */
    public Uni<List<Message>> pageOfChat(String chatId, Page page) {
        return find("chatId = ?1 order by createdAt, id", chatId).page(page).list();
    }

    public Uni<Long> countOfChat(String chatId) {
        return count("chatId", chatId);
    }

    public Uni<List<Message>> allOfChat(String chatId) {
        return list("chatId = ?1 order by createdAt, id", chatId);
    }

    public Uni<Message> findInChat(String chatId, String messageId) {
        return find("id = ?1 and chatId = ?2", messageId, chatId).firstResult();
    }

    /** Serialises the concurrency budgets of one user until the transaction ends (any replica). */
    public Uni<Void> lockUser(String userId) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(?1))")
                .setParameter(1, "chat-user:" + userId).getSingleResult()).replaceWithVoid();
    }

    /** The user's answers streaming now: those of batches, or all others. */
    public Uni<Long> countStreamingOfUser(String userId, boolean ofBatches) {
        return count("userId = ?1 and status = ?2 and role = ?3 and batchId is " + (ofBatches ? "not null" : "null"),
                userId, MessageStatus.STREAMING, Message.ROLE_ASSISTANT);
    }

    public Uni<Long> deleteOfChat(String chatId) {
        return delete("chatId", chatId);
    }
}
