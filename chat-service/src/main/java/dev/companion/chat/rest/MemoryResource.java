package dev.companion.chat.rest;

import dev.companion.chat.rest.dto.CreateMemoryRequest;
import dev.companion.chat.rest.dto.MemoryList;
import dev.companion.chat.rest.dto.MemorySettingsView;
import dev.companion.chat.rest.dto.MemoryView;
import dev.companion.chat.rest.dto.UpdateMemoryRequest;
import dev.companion.chat.service.MemoryService;
import dev.companion.common.api.ApiResponse;
import dev.companion.common.security.RequiresScope;
import dev.companion.common.security.Scopes;
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
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestPath;

import java.net.URI;
import java.util.Map;

/**
 * {@code /v1/memories} (seed 001 {@code /backend-api/memories}): the user's facts for the model. A memory is
 * switched off with {@code PATCH {enabled: false}}; memories as a whole with {@code PUT /v1/memories/settings}.
 */
@RequiresScope(Scopes.CHATS)
@Path("/v1/memories")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class MemoryResource {

    private final MemoryService memories;
    private final JsonWebToken jwt;

    public MemoryResource(MemoryService memories, JsonWebToken jwt) {
        this.memories = memories;
        this.jwt = jwt;
    }

    @GET
    public Uni<ApiResponse<MemoryList>> list() {
        return memories.list(jwt.getSubject()).map(ApiResponse::ok);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(@Valid @NotNull CreateMemoryRequest request) {
        return memories.create(jwt.getSubject(), request)
                .map(m -> Response.created(URI.create("/v1/memories/" + m.id())).entity(ApiResponse.ok(m)).build());
    }

    /** Forgets everything: every memory of the user goes. */
    @DELETE
    public Uni<ApiResponse<Map<String, Long>>> deleteAll() {
        return memories.deleteAll(jwt.getSubject()).map(d -> ApiResponse.ok(d, "Memories deleted"));
    }

    @GET
    @Path("/settings")
    public Uni<ApiResponse<MemorySettingsView>> settings() {
        return memories.settings(jwt.getSubject()).map(ApiResponse::ok);
    }

    @PUT
    @Path("/settings")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ApiResponse<MemorySettingsView>> updateSettings(@Valid @NotNull MemorySettingsView request) {
        return memories.updateSettings(jwt.getSubject(), request.enabled()).map(ApiResponse::ok);
    }

    @GET
    @Path("/{memoryId}")
    public Uni<ApiResponse<MemoryView>> get(@RestPath String memoryId) {
        return memories.get(jwt.getSubject(), memoryId).map(ApiResponse::ok);
    }

    @PATCH
    @Path("/{memoryId}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ApiResponse<MemoryView>> update(@RestPath String memoryId, @Valid @NotNull UpdateMemoryRequest request) {
        return memories.update(jwt.getSubject(), memoryId, request).map(ApiResponse::ok);
    }

    @DELETE
    @Path("/{memoryId}")
    public Uni<ApiResponse<Map<String, String>>> delete(@RestPath String memoryId) {
        return memories.delete(jwt.getSubject(), memoryId).replaceWith(() -> ApiResponse.ok(Map.of("id", memoryId), "Memory deleted"));
    }
}
