package dev.companion.auth.repository;

import dev.companion.auth.model.AdminSetupToken;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

@ApplicationScoped
public class AdminSetupTokenRepository implements PanacheRepositoryBase<AdminSetupToken, Integer> {

    /** Consumes the setup token if {@code tokenHash} is the unused one; true for exactly one caller. */
    public Uni<Boolean> consume(String tokenHash, String userId, Instant now) {
        return update("consumedAt = ?1, consumedBy = ?2 where id = ?3 and consumedAt is null and tokenHash = ?4",
                now, userId, AdminSetupToken.ID, tokenHash).map(n -> n == 1);
    }
}
