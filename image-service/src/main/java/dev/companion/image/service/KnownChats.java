package dev.companion.image.service;

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
            return OwnerLookup.ask(OWNER, "chat", chatId, () -> owner.chat(chatId, bearer, RequestIds.current()))
                    // the owner answered for this caller's token: the chat is this user's
                    .flatMap(answer -> Panache.withTransaction(() -> chats.upsert(answer.data().id(), answer.data().projectId(), userId)));
        });
    }
}
