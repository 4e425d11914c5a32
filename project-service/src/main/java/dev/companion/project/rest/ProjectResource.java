package dev.companion.project.rest;

import dev.companion.common.security.RequiresScope;
import dev.companion.common.security.Scopes;
import dev.companion.common.api.ApiResponse;
import dev.companion.project.rest.dto.CreateProjectRequest;
import dev.companion.project.rest.dto.ProjectPage;
import dev.companion.project.rest.dto.ProjectView;
import dev.companion.project.rest.dto.UpdateProjectRequest;
import dev.companion.project.service.ProjectService;
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
import java.util.List;
import java.util.Map;

/** The seed's Project Management API ({@code /v1/projects}); {@code /v1/projects/{id}/chats} belongs to chat-service. */
@RequiresScope(Scopes.PROJECTS)
@Path("/v1/projects")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ProjectResource {

    private final ProjectService service;
    private final JsonWebToken jwt;

    public ProjectResource(ProjectService service, JsonWebToken jwt) {
        this.service = service;
        this.jwt = jwt;
    }

    @POST
    public Uni<RestResponse<ApiResponse<ProjectView>>> create(@NotNull @Valid CreateProjectRequest request) {
        return service.createProject(jwt.getSubject(), request).map(p -> RestResponse.ResponseBuilder
                .<ApiResponse<ProjectView>>created(URI.create("/v1/projects/" + p.id()))
                .entity(ApiResponse.ok(p, "Project created")).build());
    }

    @GET
    public Uni<ApiResponse<ProjectPage>> list(@QueryParam("page") String page, @QueryParam("limit") String limit,
                                              @QueryParam("sort") String sort, @QueryParam("order") String order,
                                              @QueryParam("search") String search, @QueryParam("tags") List<String> tags,
                                              @QueryParam("archived") String archived) {
        return service.listProjects(jwt.getSubject(), page, limit, sort, order, search, tags, archived).map(ApiResponse::ok);
    }

    @GET
    @Path("/{id}")
    public Uni<ApiResponse<ProjectView>> get(@PathParam("id") String id) {
        return service.getProject(jwt.getSubject(), id).map(ApiResponse::ok);
    }

    @PUT
    @Path("/{id}")
    public Uni<ApiResponse<ProjectView>> update(@PathParam("id") String id, @NotNull @Valid UpdateProjectRequest request) {
        return service.updateProject(jwt.getSubject(), id, request).map(p -> ApiResponse.ok(p, "Project updated"));
    }

    /** Same meaning as PUT (which already updates only the fields sent, as the seed shows). */
    @PATCH
    @Path("/{id}")
    public Uni<ApiResponse<ProjectView>> patch(@PathParam("id") String id, @NotNull @Valid UpdateProjectRequest request) {
        return update(id, request);
    }

    @DELETE
    @Path("/{id}")
    public Uni<ApiResponse<Map<String, Object>>> delete(@PathParam("id") String id) {
        return service.deleteProject(jwt.getSubject(), id)
                .replaceWith(() -> ApiResponse.ok(Map.<String, Object>of("id", id, "deleted", true), "Project deleted"));
    }
}
