package dev.companion.chat.repository;

import dev.companion.chat.model.ChatShare;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class ShareRepository implements PanacheRepositoryBase<ChatShare, String> {

    public Uni<List<ChatShare>> pageOfUser(String userId, Page page) {
        return find("userId = ?1 order by createdAt desc, id desc", userId).page(page).list();
    }

    public Uni<Long> countOfUser(String userId) {
        return count("userId", userId);
    }

    /** Deletes the share if it is the user's and of that chat; the number of rows deleted (0 or 1). */
    public Uni<Long> deleteOwned(String userId, String chatId, String shareId) {
        return delete("id = ?1 and userId = ?2 and chatId = ?3", shareId, userId, chatId);
    }
}
