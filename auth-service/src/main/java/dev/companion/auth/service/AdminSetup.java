package dev.companion.auth.service;

import dev.companion.auth.config.AuthConfig;
import dev.companion.auth.model.AdminSetupToken;
import dev.companion.auth.model.User;
import dev.companion.auth.repository.AdminSetupTokenRepository;
import dev.companion.auth.repository.UserRepository;
import dev.companion.common.api.ApiException;
import dev.companion.common.api.ErrorCode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Map;

/**
 * The first admin. While no user has the admin role, a one-time setup token exists: the operator's
 * ({@code companion.auth.admin-setup.token}, from a Secret) or one generated at the first start and
 * logged once. Only its SHA-256 is stored. A signed-in user who presents it ({@code POST
 * /v1/auth/admin-setup}) becomes admin and the token is consumed; no email ever makes anyone admin.
 */
@ApplicationScoped
public class AdminSetup {

    private static final Logger LOG = Logger.getLogger(AdminSetup.class);

    private final AdminSetupTokenRepository tokens;
    private final UserRepository users;
    private final UserService userService;
    private final AuthConfig.AdminSetup config;

    public AdminSetup(AdminSetupTokenRepository tokens, UserRepository users, UserService userService, AuthConfig config) {
        this.tokens = tokens;
        this.users = users;
        this.userService = userService;
        this.config = config.adminSetup();
    }

    void onStart(@Observes StartupEvent event) throws Throwable {
        String printed = VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(this::prepare)
                .onFailure().recoverWithItem(e -> {
                    // another replica stored the token at the same moment (primary key): it prints it
                    LOG.infof("admin setup token left to another instance: %s", e.toString());
                    return null;
                }));
        if (printed != null) {
            // the only time this token is ever shown: stored hashed, consumed on first use
            LOG.warnf("No admin exists yet. One-time admin setup token: %s  (sign in as the future admin, then "
                    + "POST /v1/auth/admin-setup {\"token\":\"…\"} with that user's bearer token)", printed);
        }
    }

    /** Stores the setup token if one is needed; answers a generated token to print, or null. */
    Uni<String> prepare() {
        return users.count("roles like ?1", "%" + User.ROLE_ADMIN + "%").flatMap(admins -> {
            if (admins > 0) {
                // an admin exists: no setup token may linger
                return tokens.delete("consumedAt is null").replaceWith((String) null);
            }
            return tokens.findById(AdminSetupToken.ID).flatMap(row -> {
                String configured = config.token().filter(t -> !t.isBlank()).orElse(null);
                if (configured != null) {
                    String hash = OpaqueTokens.sha256Hex(configured);
                    if (row != null && row.consumedAt == null && hash.equals(row.tokenHash)) {
                        return Uni.createFrom().nullItem();
                    }
                    return store(row, hash).replaceWith((String) null);
                }
                if (row != null && row.consumedAt == null && !config.reissue()) {
                    LOG.info("No admin exists yet; the setup token printed at the first start is still unused "
                            + "(set COMPANION_AUTH_ADMIN_SETUP_REISSUE=true to print a new one)");
                    return Uni.createFrom().nullItem();
                }
                String generated = "setup_" + OpaqueTokens.generate();
                return store(row, OpaqueTokens.sha256Hex(generated)).replaceWith(generated);
            });
        });
    }

    private Uni<Void> store(AdminSetupToken row, String hash) {
        AdminSetupToken t = row != null ? row : new AdminSetupToken();
        t.id = AdminSetupToken.ID;
        t.tokenHash = hash;
        t.createdAt = Instant.now();
        t.consumedAt = null;
        t.consumedBy = null;
        // two replicas starting at once: the primary key lets one insert win; the other's transaction
        // fails and it prints nothing
        return (row != null ? Uni.createFrom().item(t) : tokens.persist(t)).replaceWithVoid();
    }

    /** Consumes the setup token for {@code userId} and makes that user admin; 403 for a wrong or used token. */
    public Uni<User> consume(String token, String userId) {
        if (token == null || token.isBlank()) {
            return Uni.createFrom().failure(new ApiException(ErrorCode.VALIDATION_ERROR, "token is required",
                    Map.of("field", "token", "constraint", "required")));
        }
        String hash = OpaqueTokens.sha256Hex(token.trim());
        return Panache.withTransaction(() -> tokens.consume(hash, userId, Instant.now()).flatMap(first -> first
                ? userService.promoteFirstAdmin(userId)
                : Uni.createFrom().failure(new ApiException(ErrorCode.FORBIDDEN, "Invalid or already used setup token",
                        Map.of("field", "token")))));
    }
}
