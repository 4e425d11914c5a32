package dev.companion.chat.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import org.hibernate.reactive.common.AffectedEntities;

import dev.companion.chat.model.InstructionRef;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.panache.common.Parameters;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

@ApplicationScoped
public class InstructionRefRepository implements PanacheRepositoryBase<InstructionRef, String> {

    /** The sets that may apply to a chat: the user's global ones, the project's, and the chat's own. */
    public Uni<List<InstructionRef>> applicableTo(String userId, String projectId, String chatId) {
        return list("userId = ?1 and (scope = 'global' or (scope = 'project' and projectId = ?2) "
                + "or (scope = 'chat' and chatId = ?3)) order by createdAt, id", userId, projectId, chatId);
    }

    /**
     * Stores an instruction set as chat-service learned it (project.events, or project-service itself when a
     * message is sent): one statement, and an older state arriving late never overwrites a newer one.
     */
    public Uni<Void> upsert(InstructionRef i) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                        "INSERT INTO instruction_ref (id, user_id, name, scope, project_id, chat_id, mode, instructions, created_at, updated_at) "
                                + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (id) DO UPDATE SET user_id = EXCLUDED.user_id, "
                                + "name = EXCLUDED.name, scope = EXCLUDED.scope, project_id = EXCLUDED.project_id, chat_id = EXCLUDED.chat_id, "
                                + "mode = EXCLUDED.mode, instructions = EXCLUDED.instructions, created_at = EXCLUDED.created_at, "
                                + "updated_at = EXCLUDED.updated_at WHERE instruction_ref.updated_at IS NULL OR EXCLUDED.updated_at IS NULL "
                                + "OR instruction_ref.updated_at <= EXCLUDED.updated_at", new AffectedEntities(InstructionRef.class))
                .setParameter(1, i.id).setParameter(2, i.userId).setParameter(3, i.name).setParameter(4, i.scope)
                .setParameter(5, i.projectId).setParameter(6, i.chatId).setParameter(7, i.mode).setParameter(8, i.instructions)
                .setParameter(9, i.createdAt).setParameter(10, i.updatedAt)
                .executeUpdate()).replaceWithVoid();
    }

    /**
     * Removes the user's sets applicable to this chat that the owner no longer lists ({@code keep}: the ids it
     * listed when asked at {@code askedAt}). A row written at or after {@code askedAt} stays: it is a set
     * created after the owner answered, whose event arrived in between.
     */
    public Uni<Void> deleteApplicableExcept(String userId, String projectId, String chatId, Collection<String> keep, Instant askedAt) {
        String applicable = "userId = :userId and (scope = 'global' or (scope = 'project' and projectId = :projectId) "
                + "or (scope = 'chat' and chatId = :chatId)) and (updatedAt is null or updatedAt < :askedAt)";
        Parameters p = Parameters.with("userId", userId).and("projectId", projectId == null ? "" : projectId)
                .and("chatId", chatId).and("askedAt", askedAt);
        return (keep.isEmpty() ? delete(applicable, p) : delete(applicable + " and id not in :keep", p.and("keep", keep)))
                .replaceWithVoid();
    }
}
