package dev.companion.chat.rest;

import dev.companion.chat.repository.ChatRepository;
import dev.companion.common.api.ErrorCode;
import dev.companion.common.api.ErrorResponse;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An SSE answer commits its 200 and headers as soon as the stream starts, so a chat that is not the
 * caller's must be refused before: this filter answers the seed's 404 envelope for such a send.
 */
public class SseChatAccessFilter {

    private static final Pattern SEND = Pattern.compile("^/v1/chats/([^/]+)/messages/?$");

    private final ChatRepository chats;
    private final CurrentIdentityAssociation identity;

    public SseChatAccessFilter(ChatRepository chats, CurrentIdentityAssociation identity) {
        this.chats = chats;
        this.identity = identity;
    }

    @ServerRequestFilter
    public Uni<Response> refuseForeignChat(ContainerRequestContext request) {
        String accept = request.getHeaderString(HttpHeaders.ACCEPT);
        if (!HttpMethod.POST.equals(request.getMethod()) || accept == null || !accept.contains(MediaType.SERVER_SENT_EVENTS)) {
            return Uni.createFrom().nullItem();
        }
        Matcher m = SEND.matcher(request.getUriInfo().getPath());
        if (!m.matches()) {
            return Uni.createFrom().nullItem();
        }
        String chatId = m.group(1);
        return identity.getDeferredIdentity().flatMap(id -> {
            if (id.isAnonymous()) {
                return Uni.createFrom().nullItem(); // @Authenticated answers 401
            }
            String userId = id.getPrincipal() instanceof JsonWebToken jwt ? jwt.getSubject() : id.getPrincipal().getName();
            return Panache.withSession(() -> chats.findOwned(chatId, userId)).map(chat -> {
                if (chat != null) {
                    return null;
                }
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("resource", "chat");
                details.put("id", chatId);
                return Response.status(404).type(MediaType.APPLICATION_JSON_TYPE)
                        .entity(ErrorResponse.of(ErrorCode.NOT_FOUND, "chat not found", details, null)).build();
            });
        });
    }
}
