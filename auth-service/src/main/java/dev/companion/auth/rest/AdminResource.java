package dev.companion.auth.rest;

import dev.companion.auth.service.ApiTokenService;
import dev.companion.auth.service.SigningKeys;
import dev.companion.auth.service.UserService;
import dev.companion.common.api.ApiResponse;
import dev.companion.common.api.PageRequest;
import dev.companion.common.api.Pagination;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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
public class AdminResource {

    /** A page of items with the shared pagination block. */
    public record PageResponse<T>(List<T> items, Pagination pagination) {
    }

    private final UserService users;
    private final ApiTokenService apiTokens;
    private final SigningKeys keys;
    private final JsonWebToken jwt;

    public AdminResource(UserService users, ApiTokenService apiTokens, SigningKeys keys, JsonWebToken jwt) {
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
        return apiTokens.delete(userId, tokenId).map(x -> ApiResponse.ok(Map.of("id", tokenId), "API token deleted"));
    }

    /** Local key rotation (keys from a Secret rotate by deployment: 409). */
    @POST
    @Path("/keys/rotate")
    public ApiResponse<Map<String, String>> rotateKey() {
        return ApiResponse.ok(Map.of("kid", keys.rotate()), "Signing key rotated");
    }
}
