package dev.companion.download.rest;

import dev.companion.download.rest.dto.SingleDownloadRequest;
import dev.companion.download.rest.dto.DownloadViews;
import dev.companion.download.rest.dto.BulkDownloadRequest;
import dev.companion.common.security.RequiresScope;
import dev.companion.common.security.Scopes;
import dev.companion.common.api.ApiResponse;
import dev.companion.common.api.PageRequest;
import dev.companion.download.mapping.DownloadMapper;
import dev.companion.download.service.DownloadService;
import io.quarkus.security.Authenticated;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import dev.companion.common.client.OwnerLookup;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.net.URI;

/**
 * The seed's Download API. Methods return plain values, so Quarkus REST runs them on worker threads:
 * conversion and S3 transfers block.
 */
@RequiresScope(Scopes.DOWNLOADS)
@Path("/v1")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DownloadResource {

    private final DownloadService service;
    private final JsonWebToken jwt;

    public DownloadResource(DownloadService service, JsonWebToken jwt) {
        this.service = service;
        this.jwt = jwt;
    }

    @POST
    @Path("/images/{imageId}/download")
    public ApiResponse<DownloadViews.SingleDownload> single(@PathParam("imageId") String imageId,
                                                            @Valid SingleDownloadRequest request) {
        return ApiResponse.ok(DownloadMapper.view(service.single(jwt.getSubject(), imageId, DownloadMapper.order(request), OwnerLookup.bearer(jwt))));
    }

    /** 200 with the link when the bundle is ready; 202 + Location of its status when it is still processing. */
    @POST
    @Path("/images/download/bulk")
    public Response bulk(@Valid @NotNull BulkDownloadRequest request) {
        DownloadService.BulkResult result = service.bulk(jwt.getSubject(), DownloadMapper.order(request), OwnerLookup.bearer(jwt));
        DownloadViews.BulkDownload view = DownloadMapper.view(result.view());
        if (result.processing()) {
            return Response.accepted(ApiResponse.ok(view, "Bundle is being prepared"))
                    .location(URI.create("/v1/downloads/" + view.id())).build();
        }
        return Response.ok(ApiResponse.ok(view)).build();
    }

    @GET
    @Path("/downloads/history")
    public ApiResponse<DownloadViews.History> history(@QueryParam("page") Integer page, @QueryParam("limit") Integer limit) {
        return ApiResponse.ok(DownloadMapper.view(service.history(jwt.getSubject(), PageRequest.of(page, limit))));
    }

    @GET
    @Path("/downloads/{id}")
    public ApiResponse<DownloadViews.DownloadStatus> status(@PathParam("id") String id) {
        return ApiResponse.ok(DownloadMapper.view(service.status(jwt.getSubject(), id)));
    }
}
