package dev.companion.auth.service;

import dev.companion.auth.model.ApiToken;
import dev.companion.auth.model.ApiTokenAccess;
import dev.companion.auth.repository.ApiTokenAccessRepository;
import dev.companion.auth.repository.ApiTokenRepository;
import dev.companion.auth.repository.UserRepository;
import dev.companion.common.api.ApiException;
import dev.companion.common.api.PageRequest;
import dev.companion.common.id.Ids;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/** Admin-managed API tokens: created for a user, shown once, stored hashed, deleted at once. */
@ApplicationScoped
public class ApiTokenService {

    /** A freshly created token with its secret: the only time the secret is ever returned. */
    public record Created(ApiToken token, String secret) {
    }

    public record Page(List<ApiToken> items, long total) {
    }

    private final ApiTokenRepository tokens;
    private final UserRepository users;
    private final AdminAuditLog audit;
    private final ApiTokenAccessRepository access;
    private final AccessTokenDenylist denylist;

    public ApiTokenService(ApiTokenRepository tokens, UserRepository users, AdminAuditLog audit, ApiTokenAccessRepository access,
                           AccessTokenDenylist denylist) {
        this.access = access;
        this.denylist = denylist;
        this.tokens = tokens;
        this.users = users;
        this.audit = audit;
    }

    public Uni<Created> create(String userId, String name, String adminId) {
        String secret = "cmp_" + OpaqueTokens.generate();
        return Panache.withTransaction(() -> users.findById(userId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("User", userId))
                .flatMap(user -> {
                    ApiToken t = new ApiToken();
                    t.id = Ids.newId(TokenService.API_TOKEN_ID_PREFIX);
                    t.userId = user.id;
                    t.name = name.trim();
                    t.tokenHash = OpaqueTokens.sha256Hex(secret);
                    t.createdBy = adminId;
                    t.createdAt = Instant.now();
                    return tokens.persist(t).call(saved -> audit.record(adminId, AdminAuditLog.API_TOKEN_CREATED, "user", user.id,
                            "token " + saved.id + " \"" + saved.name + "\""));
                }))
                .map(t -> new Created(t, secret));
    }

    public Uni<Page> list(String userId, PageRequest page) {
        return Panache.withSession(() -> users.findById(userId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("User", userId))
                .flatMap(user -> tokens.listOfUser(userId, page.offset(), page.limit())
                        .flatMap(items -> tokens.countOfUser(userId).map(total -> new Page(items, total)))));
    }

    /**
     * Deletes the token and denylists every access token exchanged from it that has not expired yet: the
     * gateway refuses them from then on and closes the agent sockets opened with them. The denylist is
     * written after the commit; if Redis cannot take it the deletion stands and those JWTs lapse (≤ 15 min).
     */
    public Uni<Void> delete(String adminId, String userId, String tokenId) {
        Instant now = Instant.now();
        return Panache.withTransaction(() -> tokens.deleteOfUser(userId, tokenId).flatMap(deleted -> deleted
                        ? audit.record(adminId, AdminAuditLog.API_TOKEN_DELETED, "user", userId, "token " + tokenId)
                                .flatMap(x -> access.takeLive(tokenId, now))
                        : Uni.createFrom().<List<ApiTokenAccess>>failure(ApiException.notFound("ApiToken", tokenId))))
                .flatMap(live -> denylist.revokeQuietly(live.stream()
                        .map(a -> new AccessTokenDenylist.Revoked(a.jti, a.expiresAt)).toList(), "API token deleted"));
    }
}
