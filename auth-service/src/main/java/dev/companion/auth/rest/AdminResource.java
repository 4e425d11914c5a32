package dev.companion.auth.rest;

import dev.companion.auth.rest.dto.CreateApiTokenRequest;
import dev.companion.auth.rest.dto.ApiTokenResponse;
import dev.companion.auth.rest.dto.AdminUserResponse;
import dev.companion.auth.rest.dto.AuditEntryResponse;
import dev.companion.auth.rest.dto.PageResponse;
import dev.companion.auth.rest.dto.PlanRequest;
import dev.companion.auth.rest.dto.RolesRequest;
import dev.companion.auth.model.AdminAuditEntry;
import dev.companion.auth.model.User;
import dev.companion.auth.service.AdminAuditLog;
import dev.companion.auth.service.ApiTokenService;
import dev.companion.auth.service.SigningKeys;
import dev.companion.auth.service.UserService;
import dev.companion.common.api.ApiException;
import dev.companion.common.api.ApiResponse;
import dev.companion.common.api.ErrorCode;
import dev.companion.common.api.PageRequest;
import dev.companion.common.api.Pagination;
import dev.companion.common.security.RequiresScope;
import dev.companion.common.security.Scopes;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** Admin API (seed 004's admin routes done properly): users, their API tokens, signing-key rotation. */
@Path("/v1/admin")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
@RequiresScope(Scopes.ADMIN)
public class AdminResource {

    private final UserService users;
    private final ApiTokenService apiTokens;
    private final SigningKeys keys;
    private final JsonWebToken jwt;
    private final AdminAuditLog audit;

    public AdminResource(UserService users, ApiTokenService apiTokens, SigningKeys keys, JsonWebToken jwt, AdminAuditLog audit) {
        this.audit = audit;
        this.users = users;
        this.apiTokens = apiTokens;
        this.keys = keys;
        this.jwt = jwt;
    }

    @GET
    @Path("/users")
    public Uni<ApiResponse<PageResponse<AdminUserResponse>>> listUsers(@RestQuery Integer page, @RestQuery Integer limit) {
        PageRequest p = PageRequest.of(page, limit);
        return users.list(p).flatMap(list -> users.count().map(total -> ApiResponse.ok(
                new PageResponse<>(list.stream().map(AdminUserResponse::of).toList(), Pagination.of(p, total)))));
    }

    @POST
    @Path("/users/{userId}/tokens")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> createToken(@RestPath String userId, @Valid @NotNull CreateApiTokenRequest request) {
        return apiTokens.create(userId, request.name(), jwt.getSubject())
                .map(c -> Response.created(URI.create("/v1/admin/users/" + userId + "/tokens/" + c.token().id))
                        .entity(ApiResponse.ok(ApiTokenResponse.of(c.token(), c.secret()),
                                "API token created; the token is shown only once")).build());
    }

    @GET
    @Path("/users/{userId}/tokens")
    public Uni<ApiResponse<PageResponse<ApiTokenResponse>>> listTokens(@RestPath String userId, @RestQuery Integer page,
                                                                       @RestQuery Integer limit) {
        PageRequest p = PageRequest.of(page, limit);
        return apiTokens.list(userId, p).map(result -> ApiResponse.ok(new PageResponse<>(
                result.items().stream().map(t -> ApiTokenResponse.of(t, null)).toList(), Pagination.of(p, result.total()))));
    }

    @DELETE
    @Path("/users/{userId}/tokens/{tokenId}")
    public Uni<ApiResponse<Map<String, String>>> deleteToken(@RestPath String userId, @RestPath String tokenId) {
        return apiTokens.delete(jwt.getSubject(), userId, tokenId).map(x -> ApiResponse.ok(Map.of("id", tokenId), "API token deleted"));
    }

    /** Grants or takes away {@code admin}; audited; the new roles are in the user's tokens from their next login. */
    @PUT
    @Path("/users/{userId}/roles")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ApiResponse<AdminUserResponse>> setRoles(@RestPath String userId, @Valid @NotNull RolesRequest request) {
        if (!request.roles().contains(User.ROLE_USER)) {
            throw new ApiException(ErrorCode.VALIDATION_ERROR, "roles must contain user",
                    Map.of("field", "roles", "constraint", "contains", "value", User.ROLE_USER));
        }
        return users.setRoles(jwt.getSubject(), userId, request.roles())
                .map(u -> ApiResponse.ok(AdminUserResponse.of(u), "Roles updated"));
    }

    /**
     * Sets the user's plan; audited; it reaches the gateway's rate limits (the plan multiplier) in the
     * {@code plan} claim of the user's next access token.
     */
    @PUT
    @Path("/users/{userId}/plan")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ApiResponse<AdminUserResponse>> setPlan(@RestPath String userId, @Valid @NotNull PlanRequest request) {
        return users.setPlan(jwt.getSubject(), userId, request.plan())
                .map(u -> ApiResponse.ok(AdminUserResponse.of(u), "Plan updated; it applies from the user's next access token"));
    }

    /** The audit trail, newest first: who did what to whom, when. */
    @GET
    @Path("/audit")
    public Uni<ApiResponse<PageResponse<AuditEntryResponse>>> audit(@RestQuery Integer page, @RestQuery Integer limit) {
        PageRequest p = PageRequest.of(page, limit);
        return audit.list(p).map(result -> ApiResponse.ok(new PageResponse<>(
                result.items().stream().map(AuditEntryResponse::of).toList(), Pagination.of(p, result.total()))));
    }

    /** Local key rotation (keys from a Secret rotate by deployment: 409); audited. */
    @POST
    @Path("/keys/rotate")
    public Uni<ApiResponse<Map<String, String>>> rotateKey() {
        String kid = keys.rotate();
        return Panache.withTransaction(() -> audit.record(jwt.getSubject(), AdminAuditLog.KEY_ROTATED, "signing_key", kid, null))
                .replaceWith(ApiResponse.ok(Map.of("kid", kid), "Signing key rotated"));
    }
}
