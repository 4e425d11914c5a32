package dev.companion.chat.repository;

import dev.companion.chat.model.Memory;
import dev.companion.chat.model.MemorySetting;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class MemoryRepository implements PanacheRepositoryBase<Memory, String> {

    /** The user's memories, newest first. */
    public Uni<List<Memory>> ofUser(String userId) {
        return list("userId = ?1 order by createdAt desc, id desc", userId);
    }

    /** The user's enabled memories, newest first (what a prompt may include). */
    public Uni<List<Memory>> enabledOfUser(String userId) {
        return list("userId = ?1 and enabled = true order by createdAt desc, id desc", userId);
    }

    public Uni<Memory> findOwned(String id, String userId) {
        return find("id = ?1 and userId = ?2", id, userId).firstResult();
    }

    public Uni<Long> countOfUser(String userId) {
        return count("userId", userId);
    }

    public Uni<Long> deleteAllOfUser(String userId) {
        return delete("userId", userId);
    }

    /** Memories on for the user as a whole (no setting stored: on). */
    public Uni<Boolean> enabledFor(String userId) {
        return MemorySetting.<MemorySetting>findById(userId).map(s -> s == null || s.enabled);
    }

    public Uni<MemorySetting> setting(String userId) {
        return MemorySetting.findById(userId);
    }
}
