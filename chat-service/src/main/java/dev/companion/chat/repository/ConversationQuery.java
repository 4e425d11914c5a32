package dev.companion.chat.repository;

import dev.companion.chat.model.Chat;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The conversation list across projects (seed 001 {@code /backend-api/conversations}): a user's chats
 * filtered by archived / starred / project and a full-text {@code search} over chat names and message
 * text, newest activity first. Native SQL so the expressions match the GIN indexes of V2_1.
 */
@ApplicationScoped
public class ConversationQuery {

    /** The filters; {@code starred}, {@code projectId} and {@code tsQuery} null = not filtered. */
    public record Filter(String userId, boolean archived, Boolean starred, String projectId, String tsQuery) {
    }

    private static final String FTS_CHAT = "to_tsvector('simple', c.name) @@ to_tsquery('simple', :q)";
    private static final String FTS_MESSAGE = "EXISTS (SELECT 1 FROM message m WHERE m.chat_id = c.id"
            + " AND to_tsvector('simple', m.content) @@ to_tsquery('simple', :q))";

    public Uni<List<Chat>> page(Filter f, int offset, int limit) {
        Map<String, Object> params = new LinkedHashMap<>();
        String sql = "SELECT c.* FROM chat c WHERE " + where(f, params) + " ORDER BY c.last_activity_at DESC, c.id DESC";
        return Panache.getSession().flatMap(s -> {
            Mutiny.SelectionQuery<Chat> q = s.createNativeQuery(sql, Chat.class);
            params.forEach(q::setParameter);
            return q.setFirstResult(offset).setMaxResults(limit).getResultList();
        });
    }

    public Uni<Long> count(Filter f) {
        Map<String, Object> params = new LinkedHashMap<>();
        String sql = "SELECT count(*) FROM chat c WHERE " + where(f, params);
        return Panache.getSession().flatMap(s -> {
            Mutiny.SelectionQuery<Long> q = s.createNativeQuery(sql, Long.class);
            params.forEach(q::setParameter);
            return q.getSingleResult();
        });
    }

    private static String where(Filter f, Map<String, Object> params) {
        StringBuilder w = new StringBuilder("c.user_id = :userId AND c.archived = :archived");
        params.put("userId", f.userId());
        params.put("archived", f.archived());
        if (f.starred() != null) {
            w.append(" AND c.starred = :starred");
            params.put("starred", f.starred());
        }
        if (f.projectId() != null) {
            w.append(" AND c.project_id = :projectId");
            params.put("projectId", f.projectId());
        }
        if (f.tsQuery() != null) {
            w.append(" AND (").append(FTS_CHAT).append(" OR ").append(FTS_MESSAGE).append(")");
            params.put("q", f.tsQuery());
        }
        return w.toString();
    }
}
