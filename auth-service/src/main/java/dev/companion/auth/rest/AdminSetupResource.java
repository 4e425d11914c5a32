package dev.companion.auth.rest;

import dev.companion.auth.rest.dto.AdminUserResponse;
import dev.companion.auth.rest.dto.SetupRequest;
import dev.companion.auth.service.AdminSetup;
import dev.companion.common.api.ApiResponse;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * {@code POST /v1/auth/admin-setup {token}}: the signed-in caller presents the one-time setup token
 * (printed at the first start, or the operator's) and becomes the first admin. Under {@code /v1/auth}
 * because the caller is not an admin yet (the gateway asks {@code /v1/admin/**} for the admin scope);
 * the bearer token is checked here.
 */
@Path("/v1/auth/admin-setup")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class AdminSetupResource {

    private final AdminSetup setup;
    private final JsonWebToken jwt;

    public AdminSetupResource(AdminSetup setup, JsonWebToken jwt) {
        this.setup = setup;
        this.jwt = jwt;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ApiResponse<AdminUserResponse>> consume(@Valid @NotNull SetupRequest request) {
        return setup.consume(request.token(), jwt.getSubject())
                .map(user -> ApiResponse.ok(AdminUserResponse.of(user), "You are an admin; sign in again for a token with the admin scope"));
    }
}
