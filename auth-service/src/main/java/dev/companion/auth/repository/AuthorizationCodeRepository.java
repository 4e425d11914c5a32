package dev.companion.auth.repository;

import dev.companion.auth.model.AuthorizationCode;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

@ApplicationScoped
public class AuthorizationCodeRepository implements PanacheRepositoryBase<AuthorizationCode, String> {

    /** Marks the code used if nobody did before; true for exactly one caller, however many race. */
    public Uni<Boolean> claim(String codeHash, Instant now) {
        return update("usedAt = ?1 where codeHash = ?2 and usedAt is null", now, codeHash).map(n -> n == 1);
    }
}
