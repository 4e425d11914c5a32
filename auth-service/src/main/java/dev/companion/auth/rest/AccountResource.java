package dev.companion.auth.rest;

import dev.companion.auth.rest.dto.RegisterRequest;
import dev.companion.auth.mapping.ProfileMapper;
import dev.companion.auth.service.TokenService;
import dev.companion.auth.service.UserService;
import dev.companion.common.api.ApiResponse;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.net.URI;
import java.util.Map;

/** Account lifecycle: registration and logout (every session of the caller ends). */
@Path("/v1/auth")
@Produces(MediaType.APPLICATION_JSON)
public class AccountResource {

    private final UserService users;
    private final TokenService tokens;
    private final JsonWebToken jwt;

    public AccountResource(UserService users, TokenService tokens, JsonWebToken jwt) {
        this.users = users;
        this.tokens = tokens;
        this.jwt = jwt;
    }

    @POST
    @Path("/register")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> register(@Valid @NotNull RegisterRequest request) {
        return users.register(request.email(), request.password(), request.name())
                .map(user -> Response.created(URI.create("/v1/user/profile"))
                        .entity(ApiResponse.ok(ProfileMapper.toProfile(user, null), "Account created")).build());
    }

    /**
     * Revokes all refresh tokens of the caller and denylists every access token issued to them that
     * has not expired, this one included: the gateway refuses them at once and closes their sockets.
     */
    @POST
    @Path("/logout")
    @Authenticated
    public Uni<ApiResponse<Map<String, Integer>>> logout() {
        return tokens.logout(jwt.getSubject(), jwt.getTokenID(), java.time.Instant.ofEpochSecond(jwt.getExpirationTime()))
                .map(n -> ApiResponse.ok(Map.of("revokedTokens", n), "Logged out"));
    }
}
