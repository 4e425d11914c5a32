package dev.companion.image.repository;

import dev.companion.image.model.StoredImage;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Stored images. Inserts are idempotent per (generation, index). */
@ApplicationScoped
public class ImageRepository implements PanacheRepositoryBase<StoredImage, String> {

    public Uni<StoredImage> findOwned(String id, String userId) {
        return find("id = ?1 and userId = ?2", id, userId).firstResult();
    }

    public Uni<List<StoredImage>> findByGeneration(String generationId) {
        return list("generationId = ?1 order by idx", generationId);
    }

    public PanacheQuery<StoredImage> findForUser(String userId, String projectId, String chatId, Sort sort) {
        StringBuilder q = new StringBuilder("userId = :userId");
        Parameters p = Parameters.with("userId", userId);
        if (projectId != null) {
            q.append(" and projectId = :projectId");
            p = p.and("projectId", projectId);
        }
        if (chatId != null) {
            q.append(" and chatId = :chatId");
            p = p.and("chatId", chatId);
        }
        return find(q.toString(), sort, p);
    }

    /** Inserts unless the slot (generation, index) is already filled; true if a row was written. */
    public Uni<Boolean> insertIfAbsent(StoredImage i) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                        "INSERT INTO image (id, generation_id, idx, user_id, chat_id, project_id, prompt, storage_key, "
                                + "thumbnail_key, format, width, height, bytes, checksum, created_at) "
                                + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
                                + "ON CONFLICT DO NOTHING")
                .setParameter(1, i.id).setParameter(2, i.generationId).setParameter(3, i.idx)
                .setParameter(4, i.userId).setParameter(5, i.chatId).setParameter(6, i.projectId)
                .setParameter(7, i.prompt).setParameter(8, i.storageKey).setParameter(9, i.thumbnailKey)
                .setParameter(10, i.format).setParameter(11, i.width).setParameter(12, i.height)
                .setParameter(13, i.bytes).setParameter(14, i.checksum).setParameter(15, i.createdAt)
                .executeUpdate()).map(count -> count == 1);
    }

    public Uni<List<StoredImage>> findByChat(String chatId) {
        return list("chatId", chatId);
    }

    public Uni<List<StoredImage>> findByProject(String projectId) {
        return list("projectId", projectId);
    }

}
