package dev.companion.chat.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.chat.service.OpenAiCompatService;
import dev.companion.common.api.ApiException;
import dev.companion.common.client.OwnerLookup;
import dev.companion.common.security.RequiresScope;
import dev.companion.common.security.Scopes;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestMulti;

import java.util.List;
import java.util.Map;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * OpenAI's chat API for third-party clients (issue #19): {@code POST /v1/openai/chat/completions}
 * ({@code stream} true: {@code text/event-stream} of {@code chat.completion.chunk} objects then
 * {@code data: [DONE]}; false: one {@code chat.completion}) and {@code GET /v1/openai/models}. The answers
 * are OpenAI's exact shapes (that is the point of the route); refusals keep the seed's error envelope, whose
 * {@code error.message} and {@code error.code} OpenAI clients read as theirs.
 */
@RequiresScope(Scopes.CHATS)
@Path("/v1/openai")
@Authenticated
public class OpenAiCompatResource {

    private final OpenAiCompatService service;
    private final ObjectMapper mapper;
    private final JsonWebToken jwt;

    public OpenAiCompatResource(OpenAiCompatService service, ObjectMapper mapper, JsonWebToken jwt) {
        this.service = service;
        this.mapper = mapper;
        this.jwt = jwt;
    }

    @GET
    @Path("/models")
    public Response models() {
        return Response.ok(service.models().toString(), MediaType.APPLICATION_JSON).build();
    }

    /** What to answer: the status line, the content type and the body as it is written. */
    private record Reply(String contentType, Multi<String> body) {
    }

    @POST
    @Path("/chat/completions")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.TEXT_PLAIN)
    public Multi<String> completions(String raw) {
        return RestMulti.fromUniResponse(reply(raw), Reply::body,
                r -> Map.of("Content-Type", List.of(r.contentType()), "Cache-Control", List.of("no-cache")), r -> 200);
    }

    private Uni<Reply> reply(String raw) {
        JsonNode body;
        try {
            body = raw == null || raw.isBlank() ? null : mapper.readTree(raw);
        } catch (Exception e) {
            return Uni.createFrom().failure(ApiException.validation("body", "json", null, "the body is not JSON"));
        }
        OpenAiCompatService.Request request;
        try {
            request = service.parse(body);
        } catch (ApiException e) {
            return Uni.createFrom().failure(e);
        }
        String userId = jwt.getSubject();
        String bearer = OwnerLookup.bearer(jwt);
        if (!request.stream()) {
            return service.complete(userId, request, bearer)
                    .map(out -> new Reply(MediaType.APPLICATION_JSON, Multi.createFrom().item(out.toString())));
        }
        // the chat is recorded and the answer started before the status is sent: a refusal is still the envelope
        return service.start(userId, request, bearer)
                .map(events -> new Reply("text/event-stream", events.map(data -> "data: " + data + "\n\n")));
    }
}
