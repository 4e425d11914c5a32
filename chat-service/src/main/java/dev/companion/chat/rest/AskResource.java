package dev.companion.chat.rest;

import dev.companion.chat.rest.dto.AskRequest;
import dev.companion.chat.rest.dto.AskResponse;
import dev.companion.chat.service.AskService;
import dev.companion.common.api.ApiResponse;
import dev.companion.common.client.OwnerLookup;
import dev.companion.common.security.RequiresScope;
import dev.companion.common.security.Scopes;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * {@code POST /v1/ask {content, chatId?, parentId?, model?}} → {@code {id, responseId, chatId, content,
 * error}} once the answer is complete (seed 004's {@code /api/ask}, in the seed envelope).
 */
@RequiresScope(Scopes.CHATS)
@Path("/v1/ask")
@Authenticated
public class AskResource {

    private final AskService asks;
    private final JsonWebToken jwt;

    public AskResource(AskService asks, JsonWebToken jwt) {
        this.asks = asks;
        this.jwt = jwt;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<ApiResponse<AskResponse>> ask(@Valid @NotNull AskRequest request) {
        return asks.ask(jwt.getSubject(), request, OwnerLookup.bearer(jwt)).map(ApiResponse::ok);
    }
}
