package dev.companion.auth.repository;

import dev.companion.auth.model.RefreshToken;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

@ApplicationScoped
public class RefreshTokenRepository implements PanacheRepositoryBase<RefreshToken, String> {

    /** Marks the token used if it is still fresh; true for exactly one caller. */
    public Uni<Boolean> claim(String tokenHash, Instant now) {
        return update("usedAt = ?1 where tokenHash = ?2 and usedAt is null and revokedAt is null", now, tokenHash)
                .map(n -> n == 1);
    }

    public Uni<Integer> revokeFamily(String familyId, Instant now) {
        return update("revokedAt = ?1 where familyId = ?2 and revokedAt is null", now, familyId);
    }

    /** The access tokens issued within the family that have not expired yet. */
    public Uni<java.util.List<RefreshToken>> liveAccessOfFamily(String familyId, Instant now) {
        return list("familyId = ?1 and accessJti is not null and accessExpiresAt > ?2", familyId, now);
    }

    /** Every access token issued to the user (any login, any client) that has not expired yet. */
    public Uni<java.util.List<RefreshToken>> liveAccessOfUser(String userId, Instant now) {
        return list("userId = ?1 and accessJti is not null and accessExpiresAt > ?2", userId, now);
    }

    /** Revokes every live refresh token of the user: logout everywhere. */
    public Uni<Integer> revokeAllOfUser(String userId, Instant now) {
        return update("revokedAt = ?1 where userId = ?2 and revokedAt is null and usedAt is null", now, userId);
    }
}
