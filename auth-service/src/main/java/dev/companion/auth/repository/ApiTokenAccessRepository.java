package dev.companion.auth.repository;

import dev.companion.auth.model.ApiTokenAccess;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

@ApplicationScoped
public class ApiTokenAccessRepository implements PanacheRepositoryBase<ApiTokenAccess, String> {

    /** Records an exchanged access token and drops the token's expired ones (so the table stays small). */
    public Uni<Void> record(String apiTokenId, String jti, Instant expiresAt) {
        ApiTokenAccess row = new ApiTokenAccess();
        row.jti = jti;
        row.apiTokenId = apiTokenId;
        row.expiresAt = expiresAt;
        return delete("apiTokenId = ?1 and expiresAt <= ?2", apiTokenId, Instant.now())
                .flatMap(n -> persist(row)).replaceWithVoid();
    }

    /** Removes the access tokens of {@code apiTokenId} and returns those that have not expired yet. */
    public Uni<List<ApiTokenAccess>> takeLive(String apiTokenId, Instant now) {
        return list("apiTokenId = ?1 and expiresAt > ?2", apiTokenId, now)
                .call(live -> delete("apiTokenId", apiTokenId));
    }
}
