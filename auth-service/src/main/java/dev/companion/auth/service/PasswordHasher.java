package dev.companion.auth.service;

import dev.companion.auth.config.AuthConfig;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * bcrypt hashes (Wildfly Elytron). Hashing is slow on purpose, so it runs on a worker thread and the
 * result comes back on the caller's Vert.x context (where the reactive session lives).
 */
@ApplicationScoped
public class PasswordHasher {

    private final Vertx vertx;
    private final int cost;
    /** Checked when the email is unknown, so an unknown account costs the same time as a wrong password. */
    private final String decoy;

    public PasswordHasher(Vertx vertx, AuthConfig config) {
        this.vertx = vertx;
        this.cost = config.login().bcryptCost();
        this.decoy = BcryptUtil.bcryptHash(OpaqueTokens.generate(), cost);
    }

    public Uni<String> hash(String password) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> BcryptUtil.bcryptHash(password, cost)));
    }

    /** True when {@code password} matches {@code hash}; with a null hash, burns the same time and says false. */
    public Uni<Boolean> matches(String password, String hash) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> {
            boolean ok = BcryptUtil.matches(password, hash == null ? decoy : hash);
            return ok && hash != null;
        }));
    }
}
