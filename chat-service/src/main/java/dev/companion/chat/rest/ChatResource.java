package dev.companion.chat.rest;

import dev.companion.common.security.RequiresScope;
import dev.companion.common.security.Scopes;
import dev.companion.chat.rest.dto.ChatView;
import dev.companion.chat.rest.dto.StreamStatusView;
import dev.companion.chat.rest.dto.UpdateChatRequest;
import dev.companion.chat.service.ChatService;
import dev.companion.chat.service.MessageService;
import dev.companion.common.api.ApiResponse;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestPath;

import java.util.Map;

/** {@code /v1/chats/{chatId}}: read, update, delete a chat; its stream status. */
@RequiresScope(Scopes.CHATS)
@Path("/v1/chats/{chatId}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class ChatResource {

    private final ChatService chats;
    private final MessageService messages;
    private final JsonWebToken jwt;

    public ChatResource(ChatService chats, MessageService messages, JsonWebToken jwt) {
        this.chats = chats;
        this.messages = messages;
        this.jwt = jwt;
    }

    @GET
    public Uni<ApiResponse<ChatView>> get(@RestPath String chatId) {
        return chats.get(jwt.getSubject(), chatId).map(ApiResponse::ok);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ApiResponse<ChatView>> update(@RestPath String chatId, @Valid @NotNull UpdateChatRequest request) {
        return chats.update(jwt.getSubject(), chatId, request).map(ApiResponse::ok);
    }

    /** Seed 001's {@code PATCH}: the same partial update as PUT (name, archived, starred, ...): only the fields sent change. */
    @PATCH
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ApiResponse<ChatView>> patch(@RestPath String chatId, @Valid @NotNull UpdateChatRequest request) {
        return chats.update(jwt.getSubject(), chatId, request).map(ApiResponse::ok);
    }

    @DELETE
    public Uni<ApiResponse<Map<String, String>>> delete(@RestPath String chatId) {
        return chats.delete(jwt.getSubject(), chatId).replaceWith(() -> ApiResponse.ok(Map.of("id", chatId), "Chat deleted"));
    }

    /** Seed 001 stream_status: is an answer streaming, which, the content so far and the last chunk index. */
    @GET
    @Path("/stream-status")
    public Uni<ApiResponse<StreamStatusView>> streamStatus(@RestPath String chatId) {
        return messages.streamStatus(jwt.getSubject(), chatId).map(ApiResponse::ok);
    }
}
