package dev.companion.chat.service;

import dev.companion.chat.model.Message;
import dev.companion.chat.repository.ChatRepository;
import dev.companion.chat.rest.dto.SendMessageRequest;
import dev.companion.common.api.ApiException;
import dev.companion.common.client.OwnerLookup;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * What a send stores, worked out before its transaction: the prompt with its template expanded
 * ({@link TemplateService#expand}) and its attachments checked and read ({@link AttachmentService#prepare},
 * for the chat's model). Another user's chat is 404 before anything is asked of image-service.
 */
@ApplicationScoped
public class PromptPreparer {

    /** The prompt to store and its checked attachments. */
    public record Prepared(String content, AttachmentService.Prepared attachments, String attachmentsJson) {
    }

    private final ChatRepository chats;
    private final TemplateService templates;
    private final AttachmentService attachments;
    private final Instance<JsonWebToken> jwt;
    private final ObjectMapper json;

    public PromptPreparer(ChatRepository chats, TemplateService templates, AttachmentService attachments, Instance<JsonWebToken> jwt,
                          ObjectMapper json) {
        this.chats = chats;
        this.templates = templates;
        this.attachments = attachments;
        this.jwt = jwt;
        this.json = json;
    }

    public Uni<Prepared> prepare(String userId, String chatId, SendMessageRequest request) {
        boolean hasAttachments = request.attachments() != null && !request.attachments().isEmpty();
        // the caller's token, read while the request is current (image-service checks ownership with it)
        String bearer = hasAttachments ? OwnerLookup.bearer(jwt.get()) : null;
        return templates.expand(userId, request.content(), request.metadata())
                .flatMap(content -> !hasAttachments
                        ? Uni.createFrom().item(new Prepared(content, AttachmentService.Prepared.NONE, null))
                        : Panache.withSession(() -> chats.findOwned(chatId, userId))
                        .onItem().ifNull().failWith(() -> ApiException.notFound("chat", chatId))
                        .flatMap(chat -> attachments.prepare(request.attachments(), chat.model, bearer))
                        .map(prepared -> new Prepared(content, prepared, prepared.descriptorsJson(json))));
    }

    /** In the send's transaction: the attachments' model-ready content, with the prompt. */
    public Uni<Void> store(Message prompt, Prepared prepared) {
        return attachments.store(prompt.id, prepared.attachments());
    }
}
