package dev.companion.chat.rest;

import dev.companion.common.security.RequiresScope;
import dev.companion.common.security.Scopes;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.chat.mapping.ChatMapper;
import dev.companion.chat.rest.dto.BatchRequest;
import dev.companion.chat.rest.dto.BatchView;
import dev.companion.chat.rest.dto.MessagePage;
import dev.companion.chat.rest.dto.MessageView;
import dev.companion.chat.rest.dto.SendMessageRequest;
import dev.companion.chat.service.BatchService;
import dev.companion.chat.service.ClientSend;
import dev.companion.chat.service.MessageService;
import dev.companion.common.api.ApiResponse;
import dev.companion.common.api.PageRequest;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import dev.companion.chat.service.KnownInstructions;
import dev.companion.common.client.OwnerLookup;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.net.URI;
import java.util.Map;

/** {@code /v1/chats/{chatId}/messages}: list, send (JSON or SSE), cancel, regenerate, batches. */
@RequiresScope(Scopes.CHATS)
@Path("/v1/chats/{chatId}/messages")
@Authenticated
public class MessageResource {

    private final MessageService messages;
    private final BatchService batches;
    private final KnownInstructions known;
    private final ChatMapper mapper;
    private final ObjectMapper json;
    private final JsonWebToken jwt;
    private final ClientSend clientSend;

    public MessageResource(MessageService messages, BatchService batches, ChatMapper mapper, ObjectMapper json, JsonWebToken jwt,
                           KnownInstructions known, ClientSend clientSend) {
        this.known = known;
        this.clientSend = clientSend;
        this.messages = messages;
        this.batches = batches;
        this.mapper = mapper;
        this.json = json;
        this.jwt = jwt;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<ApiResponse<MessagePage>> list(@RestPath String chatId, @RestQuery Integer page, @RestQuery Integer limit) {
        return messages.list(jwt.getSubject(), chatId, PageRequest.of(page, limit, 50, 100)).map(ApiResponse::ok);
    }

    /** Seed "Send Prompt": answers at once with the stored prompt ({@code status: sending}); the answer streams as events. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> send(@RestPath String chatId, @RestQuery String wait, @Valid @NotNull SendMessageRequest request) {
        if (ClientSend.waitParam(wait)) {
            // seed 003's sendMessage promise: the finished answer (ClientSend)
            return known.refresh(jwt.getSubject(), chatId, OwnerLookup.bearer(jwt))
                    .flatMap(fresh -> clientSend.sendAndWait(jwt.getSubject(), chatId, request))
                    .map(answer -> Response.created(URI.create("/v1/chats/" + chatId + "/messages/" + answer.id()))
                            .entity(ApiResponse.ok(answer)).build());
        }
        return known.refresh(jwt.getSubject(), chatId, OwnerLookup.bearer(jwt))
                .flatMap(fresh -> clientSend.send(jwt.getSubject(), chatId, request, false, null))
                .map(turn -> Response.created(URI.create("/v1/chats/" + chatId + "/messages/" + turn.prompt().id))
                        .entity(ApiResponse.ok(mapper.toView(turn.prompt(), turn.answer().id))).build());
    }

    /**
     * The same send with {@code Accept: text/event-stream} (seed 001): the prompt, then every delta as
     * {@code message.chunk} JSON, then {@code message.complete} or {@code message.error}, then {@code [DONE]}.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    public Multi<String> sendStreaming(@RestPath String chatId, @Valid @NotNull SendMessageRequest request) {
        String userId = jwt.getSubject();
        String bearer = OwnerLookup.bearer(jwt);
        java.util.concurrent.atomic.AtomicBoolean listening = new java.util.concurrent.atomic.AtomicBoolean();
        return Multi.createFrom().<String>emitter(em -> known.refresh(userId, chatId, bearer)
                .flatMap(fresh -> clientSend.send(userId, chatId, request, false, stream -> {
                    // first the prompt as stored, then the live answer's deltas
                    listening.set(true);
                    em.emit(sseCreated(chatId, stream.messageId));
                    stream.listen(em);
                }))
                .subscribe().with(turn -> {
                    if (!listening.get()) {
                        // a retry (same messageId) whose answer is no longer streaming here: read it with GET
                        em.emit(sseCreated(chatId, turn.answer() == null ? turn.prompt().id : turn.answer().id));
                        em.emit("[DONE]");
                        em.complete();
                    }
                }, em::fail));
    }

    @GET
    @Path("/{messageId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<ApiResponse<MessageView>> get(@RestPath String chatId, @RestPath String messageId) {
        return messages.get(jwt.getSubject(), chatId, messageId).map(ApiResponse::ok);
    }

    @POST
    @Path("/{messageId}/cancel")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<ApiResponse<MessageView>> cancel(@RestPath String chatId, @RestPath String messageId) {
        return messages.cancel(jwt.getSubject(), chatId, messageId).map(ApiResponse::ok);
    }

    /** A new answer to the same prompt, as a sibling branch of {@code messageId}. */
    @POST
    @Path("/{messageId}/regenerate")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> regenerate(@RestPath String chatId, @RestPath String messageId) {
        return known.refresh(jwt.getSubject(), chatId, OwnerLookup.bearer(jwt))
                .flatMap(fresh -> messages.regenerate(jwt.getSubject(), chatId, messageId))
                .map(m -> Response.created(URI.create("/v1/chats/" + chatId + "/messages/" + m.id())).entity(ApiResponse.ok(m)).build());
    }

    @POST
    @Path("/batch")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> batch(@RestPath String chatId, @Valid @NotNull BatchRequest request) {
        return known.refresh(jwt.getSubject(), chatId, OwnerLookup.bearer(jwt))
                .flatMap(fresh -> batches.start(jwt.getSubject(), chatId, request))
                .map(b -> Response.accepted(ApiResponse.ok(b))
                        .location(URI.create("/v1/chats/" + chatId + "/messages/batch/" + b.batchId())).build());
    }

    @GET
    @Path("/batch/{batchId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<ApiResponse<BatchView>> batchStatus(@RestPath String chatId, @RestPath String batchId) {
        return batches.get(jwt.getSubject(), chatId, batchId).map(ApiResponse::ok);
    }

    private String sseCreated(String chatId, String answerId) {
        try {
            return json.writeValueAsString(Map.of("type", "message.created", "chatId", chatId, "messageId", answerId));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
