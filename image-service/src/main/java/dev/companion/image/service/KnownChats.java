package dev.companion.image.service;

import dev.companion.common.api.ApiException;
import dev.companion.common.client.OwnerLookup;
import dev.companion.common.web.RequestIds;
import dev.companion.image.client.ChatServiceClient;
import dev.companion.image.repository.ChatRefRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Read-your-writes for chats: the read model (fed by chat.events) answers when it knows the chat; on a
 * miss chat-service is asked with the caller's token and its answer is stored, so a generation or an
 * analysis can name a chat created a moment ago. Only chat-service's "no" is 404; chat-service away is
 * 503 with Retry-After ({@link OwnerLookup}).
 */
@ApplicationScoped
public class KnownChats {

    static final String OWNER = "chat-service";
    static final String RESOURCE = "chat";

    private final ChatRefRepository chats;
    private final ChatServiceClient owner;

    public KnownChats(ChatRefRepository chats, @RestClient ChatServiceClient owner) {
        this.chats = chats;
        this.owner = owner;
    }

    /** Completes when {@code chatId} is known to be the user's (then in the read model); fails 404/503 otherwise. */
    public Uni<Void> ensureOwned(String chatId, String userId, String bearer) {
        if (chatId == null || chatId.isBlank()) {
            return Uni.createFrom().voidItem();
        }
        return Panache.withSession(() -> chats.findOwned(chatId, userId)).flatMap(ref -> {
            if (ref != null) {
                return Uni.createFrom().voidItem();
            }
            return OwnerLookup.ask(OWNER, RESOURCE, chatId, () -> owner.chat(chatId, bearer, RequestIds.current()))
                    .flatMap(answer -> {
                        ChatServiceClient.Chat chat = answer == null ? null : answer.data();
                        if (chat == null || chat.projectId() == null) {
                            // every chat lives in a project; an answer without one is a broken owner, not a "no"
                            return Uni.createFrom().failure(ApiException.unavailable(OWNER, RESOURCE, chatId, 2));
                        }
                        // the owner answered 200 for this caller's token: the chat is this user's
                        return Panache.withTransaction(() -> chats.upsert(chatId, chat.projectId(), userId));
                    });
        });
    }
}
