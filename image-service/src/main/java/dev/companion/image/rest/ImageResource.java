package dev.companion.image.rest;

import dev.companion.image.rest.dto.ImagePage;
import dev.companion.image.rest.dto.ImageView;
import dev.companion.image.mapping.ImageMapper;
import dev.companion.common.security.RequiresScope;
import dev.companion.common.security.Scopes;
import dev.companion.common.api.ApiException;
import dev.companion.common.api.ApiResponse;
import dev.companion.common.api.PageRequest;
import dev.companion.image.service.ImageLibraryService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The caller's stored images: list (filters projectId, chatId), read one, delete one. */
@RequiresScope(Scopes.IMAGES)
@Path("/v1/images")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class ImageResource {

    private final ImageLibraryService library;
    private final JsonWebToken jwt;

    private final ImageMapper mapper;

    public ImageResource(ImageLibraryService library, JsonWebToken jwt, ImageMapper mapper) {
        this.library = library;
        this.mapper = mapper;
        this.jwt = jwt;
    }

    @GET
    public Uni<ApiResponse<ImagePage>> list(@QueryParam("projectId") String projectId,
                                                               @QueryParam("chatId") String chatId,
                                                               @QueryParam("page") Integer page,
                                                               @QueryParam("limit") Integer limit,
                                                               @QueryParam("sort") String sort,
                                                               @QueryParam("order") String order) {
        if (sort != null && !"createdAt".equals(sort)) {
            throw ApiException.validation("sort", "enum", "createdAt", "sort must be createdAt");
        }
        if (order != null && !"asc".equals(order) && !"desc".equals(order)) {
            throw ApiException.validation("order", "enum", "asc|desc", "order must be asc or desc");
        }
        return library.list(jwt.getSubject(), blankToNull(projectId), blankToNull(chatId), PageRequest.of(page, limit), sort, order)
                .map(p -> new ImagePage(p.images().stream().map(mapper::view).toList(), p.pagination()))
                .map(ApiResponse::ok);
    }

    @GET
    @Path("/{imageId}")
    public Uni<ApiResponse<ImageView>> get(@PathParam("imageId") String imageId) {
        return library.get(jwt.getSubject(), imageId).map(mapper::view).map(ApiResponse::ok);
    }

    @DELETE
    @Path("/{imageId}")
    public Uni<ApiResponse<Void>> delete(@PathParam("imageId") String imageId) {
        return library.delete(jwt.getSubject(), imageId).map(x -> ApiResponse.ok(null, "Image deleted"));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
