package dev.companion.auth.rest;

import dev.companion.auth.rest.dto.UpdateProfileRequest;
import dev.companion.auth.rest.dto.ProfileResponse;
import dev.companion.auth.mapping.ProfileMapper;
import dev.companion.auth.service.UserService;
import dev.companion.common.api.ApiResponse;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The caller's profile (seed "User Profile"), with usage counted from other services' events. */
@Path("/v1/user/profile")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class ProfileResource {

    private final UserService users;
    private final JsonWebToken jwt;

    public ProfileResource(UserService users, JsonWebToken jwt) {
        this.users = users;
        this.jwt = jwt;
    }

    @GET
    public Uni<ApiResponse<ProfileResponse>> get() {
        return users.profile(jwt.getSubject()).map(p -> ApiResponse.ok(ProfileMapper.toProfile(p.user(), p.usage())));
    }

    @PATCH
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ApiResponse<ProfileResponse>> update(@Valid @NotNull UpdateProfileRequest request) {
        return users.rename(jwt.getSubject(), request.name())
                .flatMap(u -> users.profile(u.id))
                .map(p -> ApiResponse.ok(ProfileMapper.toProfile(p.user(), p.usage()), "Profile updated"));
    }
}
