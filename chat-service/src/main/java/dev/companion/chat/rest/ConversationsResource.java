package dev.companion.chat.rest;

import dev.companion.chat.rest.dto.ConversationList;
import dev.companion.chat.service.ConversationService;
import dev.companion.common.api.ApiResponse;
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

/**
 * {@code GET /v1/chats}: all of the user's conversations across projects (seed 001
 * {@code /backend-api/conversations}), by last activity, with {@code isArchived} (default false),
 * {@code isStarred}, {@code projectId} and a full-text {@code search}; paged by {@code offset}&amp;{@code limit}
 * or {@code page}&amp;{@code limit}.
 */
@RequiresScope(Scopes.CHATS)
@Path("/v1/chats")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class ConversationsResource {

    private final ConversationService conversations;
    private final JsonWebToken jwt;

    public ConversationsResource(ConversationService conversations, JsonWebToken jwt) {
        this.conversations = conversations;
        this.jwt = jwt;
    }

    @GET
    public Uni<ApiResponse<ConversationList>> list(@RestQuery String offset, @RestQuery String page, @RestQuery String limit,
                                                   @RestQuery String isArchived, @RestQuery String isStarred,
                                                   @RestQuery String projectId, @RestQuery String search) {
        return Uni.createFrom().deferred(() -> conversations.list(jwt.getSubject(),
                        new ConversationService.Params(offset, page, limit, isArchived, isStarred, projectId, search)))
                .map(ApiResponse::ok);
    }
}
