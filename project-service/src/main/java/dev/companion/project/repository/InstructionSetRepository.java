package dev.companion.project.repository;

import dev.companion.project.model.InstructionSet;
import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Instruction sets, always scoped to their owner. */
@ApplicationScoped
public class InstructionSetRepository implements PanacheRepositoryBase<InstructionSet, String> {

    public Uni<InstructionSet> findOwned(String id, String userId) {
        return find("id = ?1 and userId = ?2", id, userId).firstResult();
    }

    /**
     * The owner's sets, oldest first, optionally narrowed to one scope and to what applies within a project
     * or a chat: a project brings the global sets, its own and those of its chats; a chat brings the global
     * sets, its project's ({@code chatProjectId}) and its own.
     */
    public PanacheQuery<InstructionSet> filtered(String userId, String scope, String projectId, String chatId, String chatProjectId) {
        StringBuilder q = new StringBuilder("userId = :userId");
        Parameters p = Parameters.with("userId", userId);
        if (scope != null) {
            q.append(" and scope = :scope");
            p.and("scope", scope);
        }
        if (chatId != null) {
            q.append(" and (scope = 'global' or (scope = 'project' and projectId = :projectId) or (scope = 'chat' and chatId = :chatId))");
            p.and("projectId", chatProjectId == null ? "" : chatProjectId).and("chatId", chatId);
        } else if (projectId != null) {
            q.append(" and (scope = 'global' or projectId = :projectId)");
            p.and("projectId", projectId);
        }
        return find(q.toString(), Sort.by("createdAt").and("id"), p);
    }

    /** The sets that apply to a chat in a project: the owner's global ones, the project's and the chat's. */
    public Uni<List<InstructionSet>> applicable(String userId, String projectId, String chatId) {
        return list("userId = :userId and (scope = 'global' or (scope = 'project' and projectId = :projectId) "
                        + "or (scope = 'chat' and chatId = :chatId))",
                Parameters.with("userId", userId).and("projectId", projectId == null ? "" : projectId)
                        .and("chatId", chatId == null ? "" : chatId));
    }

    public Uni<List<InstructionSet>> ofProject(String projectId) {
        return list("scope = 'project' and projectId = ?1", projectId);
    }

    public Uni<List<InstructionSet>> ofChat(String chatId) {
        return list("scope = 'chat' and chatId = ?1", chatId);
    }
}
