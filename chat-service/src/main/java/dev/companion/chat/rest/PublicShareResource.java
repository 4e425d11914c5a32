package dev.companion.chat.rest;

import dev.companion.chat.rest.dto.ShareView;
import dev.companion.chat.service.ShareService;
import dev.companion.common.api.ApiResponse;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestPath;

/**
 * {@code GET /v1/share/{shareId}}: a share link's snapshot, read-only and without a token (the
 * gateway routes it as public and rate-limits it per client IP).
 */
@Path("/v1/share/{shareId}")
@Produces(MediaType.APPLICATION_JSON)
public class PublicShareResource {

    private final ShareService shares;

    public PublicShareResource(ShareService shares) {
        this.shares = shares;
    }

    @GET
    public Uni<ApiResponse<ShareView>> get(@RestPath String shareId) {
        return shares.getPublic(shareId).map(ApiResponse::ok);
    }
}
