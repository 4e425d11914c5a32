package dev.companion.chat.repository;

import dev.companion.chat.model.Chat;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class ChatRepository implements PanacheRepositoryBase<Chat, String> {

    /** The chat if it belongs to the user; null otherwise (another user's chat does not exist for them). */
    public Uni<Chat> findOwned(String chatId, String userId) {
        return find("id = ?1 and userId = ?2", chatId, userId).firstResult();
    }

    /** The chat, locked for the rest of the transaction: sends to one chat are serialised. */
    public Uni<Chat> findOwnedForUpdate(String chatId, String userId) {
        return find("id = ?1 and userId = ?2", chatId, userId)
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    public Uni<List<Chat>> listInProject(String projectId, String userId, boolean archived, Boolean starred, Page page) {
        return find(query(starred), params(projectId, userId, archived, starred))
                .page(page).list();
    }

    public Uni<Long> countInProject(String projectId, String userId, boolean archived, Boolean starred) {
        return count(query(starred), params(projectId, userId, archived, starred));
    }

    public Uni<List<Chat>> findByProject(String projectId) {
        return list("projectId", projectId);
    }

    private static String query(Boolean starred) {
        return "projectId = :projectId and userId = :userId and archived = :archived"
                + (starred == null ? "" : " and starred = :starred") + " order by updatedAt desc, id desc";
    }

    private static Parameters params(String projectId, String userId, boolean archived, Boolean starred) {
        Parameters p = Parameters.with("projectId", projectId).and("userId", userId).and("archived", archived);
        return starred == null ? p : p.and("starred", starred);
    }
}
