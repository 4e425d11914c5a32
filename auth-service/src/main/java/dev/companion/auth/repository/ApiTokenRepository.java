package dev.companion.auth.repository;

import dev.companion.auth.model.ApiToken;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class ApiTokenRepository implements PanacheRepositoryBase<ApiToken, String> {

    public Uni<List<ApiToken>> listOfUser(String userId, int offset, int limit) {
        return find("userId", Sort.by("createdAt").and("id"), userId).range(offset, offset + limit - 1).list();
    }

    /** The token whose secret hashes to {@code tokenHash} (a secret presented alone, as an OpenAI-style API key). */
    public Uni<ApiToken> findByHash(String tokenHash) {
        return find("tokenHash", tokenHash).firstResult();
    }

    public Uni<Long> countOfUser(String userId) {
        return count("userId", userId);
    }

    public Uni<Boolean> deleteOfUser(String userId, String tokenId) {
        return delete("id = ?1 and userId = ?2", tokenId, userId).map(n -> n == 1);
    }
}
