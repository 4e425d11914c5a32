package dev.companion.project.rest;

import dev.companion.common.security.RequiresScope;
import dev.companion.common.security.Scopes;
import dev.companion.common.api.ApiResponse;
import dev.companion.project.rest.dto.CreateInstructionRequest;
import dev.companion.project.rest.dto.EffectiveInstructionsView;
import dev.companion.project.rest.dto.InstructionPage;
import dev.companion.project.rest.dto.InstructionView;
import dev.companion.project.rest.dto.UpdateInstructionRequest;
import dev.companion.common.client.OwnerLookup;
import dev.companion.project.service.InstructionService;
import dev.companion.project.service.KnownChats;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;
import java.util.Map;
import java.util.function.Supplier;

/** The seed's Instructions API ({@code /v1/instructions}) plus {@code /v1/instructions/effective}. */
@RequiresScope(Scopes.PROJECTS)
@Path("/v1/instructions")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class InstructionResource {

    private final InstructionService service;
    private final KnownChats knownChats;
    private final JsonWebToken jwt;

    public InstructionResource(InstructionService service, KnownChats knownChats, JsonWebToken jwt) {
        this.service = service;
        this.knownChats = knownChats;
        this.jwt = jwt;
    }

    /** A chat a request names may be a moment old: chat-service is asked when the read model has not seen it. */
    private <T> Uni<T> chatsKnown(Supplier<Uni<T>> operation) {
        return knownChats.resolving(jwt.getSubject(), OwnerLookup.bearer(jwt), operation);
    }

    @POST
    public Uni<RestResponse<ApiResponse<InstructionView>>> create(@NotNull @Valid CreateInstructionRequest request) {
        return chatsKnown(() -> service.createInstructionSet(jwt.getSubject(), request)).map(s -> RestResponse.ResponseBuilder
                .<ApiResponse<InstructionView>>created(URI.create("/v1/instructions/" + s.id()))
                .entity(ApiResponse.ok(s, "Instruction set created")).build());
    }

    @GET
    public Uni<ApiResponse<InstructionPage>> list(@QueryParam("scope") String scope, @QueryParam("projectId") String projectId,
                                                  @QueryParam("chatId") String chatId, @QueryParam("page") String page,
                                                  @QueryParam("limit") String limit) {
        return chatsKnown(() -> service.listInstructionSets(jwt.getSubject(), scope, projectId, chatId, page, limit)).map(ApiResponse::ok);
    }

    /** Layers (global → project → chat), merged instructions and the rendered system prompt. */
    @GET
    @Path("/effective")
    public Uni<ApiResponse<EffectiveInstructionsView>> effective(@QueryParam("projectId") String projectId,
                                                                 @QueryParam("chatId") String chatId) {
        return chatsKnown(() -> service.effectiveInstructions(jwt.getSubject(), projectId, chatId)).map(ApiResponse::ok);
    }

    @GET
    @Path("/{id}")
    public Uni<ApiResponse<InstructionView>> get(@PathParam("id") String id) {
        return service.getInstructionSet(jwt.getSubject(), id).map(ApiResponse::ok);
    }

    @PUT
    @Path("/{id}")
    public Uni<ApiResponse<InstructionView>> update(@PathParam("id") String id, @NotNull @Valid UpdateInstructionRequest request) {
        return chatsKnown(() -> service.updateInstructionSet(jwt.getSubject(), id, request)).map(s -> ApiResponse.ok(s, "Instruction set updated"));
    }

    @PATCH
    @Path("/{id}")
    public Uni<ApiResponse<InstructionView>> patch(@PathParam("id") String id, @NotNull @Valid UpdateInstructionRequest request) {
        return update(id, request);
    }

    @DELETE
    @Path("/{id}")
    public Uni<ApiResponse<Map<String, Object>>> delete(@PathParam("id") String id) {
        return service.deleteInstructionSet(jwt.getSubject(), id)
                .replaceWith(() -> ApiResponse.ok(Map.<String, Object>of("id", id, "deleted", true), "Instruction set deleted"));
    }
}
