package dev.companion.chat.rest;

import dev.companion.chat.rest.dto.TemplateList;
import dev.companion.chat.rest.dto.TemplateRequest;
import dev.companion.chat.rest.dto.TemplateView;
import dev.companion.chat.rest.dto.UpdateTemplateRequest;
import dev.companion.chat.service.TemplateService;
import dev.companion.common.api.ApiResponse;
import dev.companion.common.api.PageRequest;
import dev.companion.common.security.RequiresScope;
import dev.companion.common.security.Scopes;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.net.URI;
import java.util.Map;

/**
 * {@code /v1/templates}: the user's prompt templates (a body with {@code {{variable}}} slots, variables with
 * defaults), used by a send's {@code metadata: {template, variables}}.
 */
@RequiresScope(Scopes.CHATS)
@Path("/v1/templates")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class TemplateResource {

    private final TemplateService templates;
    private final JsonWebToken jwt;

    public TemplateResource(TemplateService templates, JsonWebToken jwt) {
        this.templates = templates;
        this.jwt = jwt;
    }

    @GET
    public Uni<ApiResponse<TemplateList>> list(@RestQuery Integer page, @RestQuery Integer limit) {
        return templates.list(jwt.getSubject(), PageRequest.of(page, limit)).map(ApiResponse::ok);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(@Valid @NotNull TemplateRequest request) {
        return templates.create(jwt.getSubject(), request)
                .map(t -> Response.created(URI.create("/v1/templates/" + t.id())).entity(ApiResponse.ok(t)).build());
    }

    @GET
    @Path("/{templateId}")
    public Uni<ApiResponse<TemplateView>> get(@RestPath String templateId) {
        return templates.get(jwt.getSubject(), templateId).map(ApiResponse::ok);
    }

    @PUT
    @Path("/{templateId}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ApiResponse<TemplateView>> update(@RestPath String templateId, @Valid @NotNull UpdateTemplateRequest request) {
        return templates.update(jwt.getSubject(), templateId, request).map(ApiResponse::ok);
    }

    @DELETE
    @Path("/{templateId}")
    public Uni<ApiResponse<Map<String, String>>> delete(@RestPath String templateId) {
        return templates.delete(jwt.getSubject(), templateId).replaceWith(() -> ApiResponse.ok(Map.of("id", templateId), "Template deleted"));
    }
}
