package dev.companion.download.repository;

import dev.companion.download.model.ImageRef;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

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
}
