package dev.companion.download.repository;

import dev.companion.download.model.ImageRef;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.common.AffectedEntities;

import java.util.Collection;
import java.util.List;

@ApplicationScoped
public class ImageRefRepository implements PanacheRepositoryBase<ImageRef, String> {

    /** The images among {@code ids} that belong to {@code userId}; others' images are simply absent. */
    public Uni<List<ImageRef>> findOwned(String userId, Collection<String> ids) {
        return list("userId = ?1 and id in ?2", userId, ids);
    }

    public Uni<Long> deleteOwned(String userId, Collection<String> ids) {
        return delete("userId = ?1 and id in ?2", userId, ids);
    }

    public Uni<Long> deleteByProject(String userId, String projectId) {
        return delete("userId = ?1 and projectId = ?2", userId, projectId);
    }

    /**
     * Stores what download-service learned of an image, from image.complete or from image-service itself
     * (read-your-writes): one atomic statement, so the consumer and a lookup (or two first requests)
     * storing the same image at once converge instead of failing on the key. An image does not change
     * after it is made, so the last write simply restates it; a write for another user than the row's
     * owner changes nothing (an image never changes hands, whatever an event claims).
     */
    public Uni<Void> upsert(ImageRef r) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                        "INSERT INTO image_ref (id, user_id, generation_id, chat_id, project_id, prompt, format, width, height, "
                                + "bytes, storage_key, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
                                + "ON CONFLICT (id) DO UPDATE SET user_id = EXCLUDED.user_id, generation_id = EXCLUDED.generation_id, "
                                + "chat_id = EXCLUDED.chat_id, project_id = EXCLUDED.project_id, prompt = EXCLUDED.prompt, "
                                + "format = EXCLUDED.format, width = EXCLUDED.width, height = EXCLUDED.height, bytes = EXCLUDED.bytes, "
                                + "storage_key = EXCLUDED.storage_key, created_at = EXCLUDED.created_at "
                                + "WHERE image_ref.user_id = EXCLUDED.user_id",
                        new AffectedEntities(ImageRef.class))
                .setParameter(1, r.id).setParameter(2, r.userId).setParameter(3, r.generationId).setParameter(4, r.chatId)
                .setParameter(5, r.projectId).setParameter(6, r.prompt).setParameter(7, r.format).setParameter(8, r.width)
                .setParameter(9, r.height).setParameter(10, r.bytes).setParameter(11, r.storageKey).setParameter(12, r.createdAt)
                .executeUpdate()).replaceWithVoid();
    }
}
