package dev.companion.chat.repository;

import dev.companion.chat.model.InstructionRef;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class InstructionRefRepository implements PanacheRepositoryBase<InstructionRef, String> {

    /** The sets that may apply to a chat: the user's global ones, the project's, and the chat's own. */
    public Uni<List<InstructionRef>> applicableTo(String userId, String projectId, String chatId) {
        return list("userId = ?1 and (scope = 'global' or (scope = 'project' and projectId = ?2) "
                + "or (scope = 'chat' and chatId = ?3)) order by createdAt, id", userId, projectId, chatId);
    }
}
