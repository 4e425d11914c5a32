package dev.companion.chat.repository;

import dev.companion.chat.model.Batch;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class BatchRepository implements PanacheRepositoryBase<Batch, String> {

    public Uni<Batch> findOwned(String chatId, String batchId, String userId) {
        return find("id = ?1 and chatId = ?2 and userId = ?3", batchId, chatId, userId).firstResult();
    }
}
