package dev.companion.chat.rest;

import dev.companion.common.security.RequiresScope;
import dev.companion.common.security.Scopes;
import dev.companion.chat.rest.dto.ChatList;
import dev.companion.chat.rest.dto.ChatView;
import dev.companion.chat.rest.dto.CreateChatRequest;
import dev.companion.chat.service.ChatService;
import dev.companion.common.api.ApiResponse;
import dev.companion.common.api.PageRequest;
import dev.companion.common.client.OwnerLookup;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.net.URI;

/** {@code /v1/projects/{projectId}/chats}: create and list the chats of a project. */
@RequiresScope(Scopes.CHATS)
@Path("/v1/projects/{projectId}/chats")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class ProjectChatsResource {

    private final ChatService chats;
    private final JsonWebToken jwt;

    public ProjectChatsResource(ChatService chats, JsonWebToken jwt) {
        this.chats = chats;
        this.jwt = jwt;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(@RestPath String projectId, @Valid CreateChatRequest request) {
        CreateChatRequest body = request == null ? new CreateChatRequest(null, null, null, null, null) : request;
        return chats.create(jwt.getSubject(), projectId, body, OwnerLookup.bearer(jwt))
                .map(chat -> Response.created(URI.create("/v1/chats/" + chat.id())).entity(ApiResponse.ok(chat)).build());
    }

    @GET
    public Uni<ApiResponse<ChatList>> list(@RestPath String projectId, @RestQuery Integer page, @RestQuery Integer limit,
                                           @RestQuery Boolean archived, @RestQuery Boolean starred) {
        return chats.list(jwt.getSubject(), projectId, archived, starred, PageRequest.of(page, limit), OwnerLookup.bearer(jwt)).map(ApiResponse::ok);
    }
}
