package dev.companion.chat.rest;

import dev.companion.chat.rest.dto.SuggestionsRequest;
import dev.companion.chat.rest.dto.SuggestionsView;
import dev.companion.chat.service.SuggestionService;
import dev.companion.common.api.ApiResponse;
import dev.companion.common.security.RequiresScope;
import dev.companion.common.security.Scopes;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestPath;

/** {@code POST /v1/chats/{chatId}/suggestions {numSuggestions}}: follow-up prompts from the chat's model (seed 001). */
@RequiresScope(Scopes.CHATS)
@Path("/v1/chats/{chatId}/suggestions")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class SuggestionsResource {

    static final int DEFAULT_SUGGESTIONS = 3;

    private final SuggestionService suggestions;
    private final JsonWebToken jwt;

    public SuggestionsResource(SuggestionService suggestions, JsonWebToken jwt) {
        this.suggestions = suggestions;
        this.jwt = jwt;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ApiResponse<SuggestionsView>> suggest(@RestPath String chatId, @Valid SuggestionsRequest request) {
        int n = request == null || request.numSuggestions() == null ? DEFAULT_SUGGESTIONS : request.numSuggestions();
        return suggestions.suggest(jwt.getSubject(), chatId, n).map(ApiResponse::ok);
    }
}
