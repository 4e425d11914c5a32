package dev.companion.chat.rest;

import dev.companion.chat.rest.dto.ShareList;
import dev.companion.chat.service.ShareService;
import dev.companion.common.api.ApiResponse;
import dev.companion.common.api.PageRequest;
import dev.companion.common.security.RequiresScope;
import dev.companion.common.security.Scopes;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestQuery;

/** {@code GET /v1/shares}: the user's share links, newest first. */
@RequiresScope(Scopes.CHATS)
@Path("/v1/shares")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class SharesResource {

    private final ShareService shares;
    private final JsonWebToken jwt;

    public SharesResource(ShareService shares, JsonWebToken jwt) {
        this.shares = shares;
        this.jwt = jwt;
    }

    @GET
    public Uni<ApiResponse<ShareList>> list(@RestQuery Integer page, @RestQuery Integer limit) {
        return Uni.createFrom().deferred(() -> shares.list(jwt.getSubject(), PageRequest.of(page, limit))).map(ApiResponse::ok);
    }
}
