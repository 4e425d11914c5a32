package dev.companion.chat.rest;

import dev.companion.chat.rest.dto.CreateShareRequest;
import dev.companion.chat.service.ShareService;
import dev.companion.common.api.ApiResponse;
import dev.companion.common.security.RequiresScope;
import dev.companion.common.security.Scopes;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestPath;

import java.net.URI;
import java.util.Map;

/** The owner's side of share links: create ({@code POST /v1/chats/{id}/share}) and revoke ({@code DELETE .../share/{shareId}}). */
@RequiresScope(Scopes.CHATS)
@Path("/v1/chats/{chatId}/share")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class ShareResource {

    private final ShareService shares;
    private final JsonWebToken jwt;

    public ShareResource(ShareService shares, JsonWebToken jwt) {
        this.shares = shares;
        this.jwt = jwt;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(@RestPath String chatId, @Valid CreateShareRequest request) {
        return shares.create(jwt.getSubject(), chatId, request)
                .map(s -> Response.created(URI.create(s.url())).entity(ApiResponse.ok(s)).build());
    }

    @DELETE
    @Path("/{shareId}")
    public Uni<ApiResponse<Map<String, String>>> revoke(@RestPath String chatId, @RestPath String shareId) {
        return shares.revoke(jwt.getSubject(), chatId, shareId)
                .replaceWith(() -> ApiResponse.ok(Map.of("shareId", shareId), "Share revoked"));
    }
}
