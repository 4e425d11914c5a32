package dev.companion.image.rest;

import dev.companion.image.rest.dto.GenerationView;
import dev.companion.image.rest.dto.GenerateRequest;
import dev.companion.image.mapping.ImageMapper;
import dev.companion.image.service.GenerationOrder;
import dev.companion.common.security.RequiresScope;
import dev.companion.common.security.Scopes;
import dev.companion.common.api.ApiResponse;
import dev.companion.image.service.GenerationService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import dev.companion.common.client.OwnerLookup;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.net.URI;

/** Seed "Request Image Generation" and "Get Generation Status", plus cancelling a queued job. */
@RequiresScope(Scopes.IMAGES)
@Path("/v1/images/generate")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class ImageGenerationResource {

    private final GenerationService generations;
    private final JsonWebToken jwt;

    private final ImageMapper mapper;

    public ImageGenerationResource(GenerationService generations, JsonWebToken jwt, ImageMapper mapper) {
        this.generations = generations;
        this.mapper = mapper;
        this.jwt = jwt;
    }

    /** 201 + Location (the convention for creates): the generation exists and is queued; poll it or wait for events. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> request(@Valid @NotNull GenerateRequest request) {
        return generations.request(jwt.getSubject(), order(request), OwnerLookup.bearer(jwt)).map(mapper::view).map(view -> Response.status(Response.Status.CREATED).entity(ApiResponse.ok(view))
                .location(URI.create("/v1/images/generate/" + view.id())).build());
    }

    @GET
    @Path("/{id}")
    public Uni<ApiResponse<GenerationView>> status(@PathParam("id") String id) {
        return generations.status(jwt.getSubject(), id).map(mapper::view).map(ApiResponse::ok);
    }

    @DELETE
    @Path("/{id}")
    public Uni<ApiResponse<GenerationView>> cancel(@PathParam("id") String id) {
        return generations.cancel(jwt.getSubject(), id).map(mapper::view).map(v -> ApiResponse.ok(v, "Generation cancelled"));
    }

    private static GenerationOrder order(GenerateRequest r) {
        GenerateRequest.Options o = r.options();
        return new GenerationOrder(r.prompt(), r.chatId(), o == null ? null
                : new GenerationOrder.Options(o.model(), o.size(), o.quality(), o.style(), o.n()));
    }
}
