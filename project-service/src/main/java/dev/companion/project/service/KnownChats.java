package dev.companion.project.service;

import dev.companion.common.api.ApiException;
import dev.companion.common.client.OwnerLookup;
import dev.companion.common.web.RequestIds;
import dev.companion.project.client.ChatServiceClient;
import dev.companion.project.repository.ChatRefRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.Instant;
import java.util.function.Supplier;

/**
 * Read-your-writes for chats: the read model (fed by chat.events) answers when it knows the chat. An
 * operation that needs a chat the read model has not seen fails with {@link Unseen}; then chat-service
 * is asked with the caller's token, its answer is recorded the way chat.created records it
 * ({@link ChatActivityService#chatSeen}: the later event changes nothing) and the operation runs again.
 * No transaction is open while chat-service is asked. Only chat-service's "no" is 404; chat-service
 * away is 503 with Retry-After ({@link OwnerLookup}).
 */
@ApplicationScoped
public class KnownChats {

    static final String OWNER = "chat-service";
    static final String RESOURCE = "Chat";

    private final ChatRefRepository chats;
    private final ChatActivityService activity;
    private final ChatServiceClient owner;

    public KnownChats(ChatRefRepository chats, ChatActivityService activity, @RestClient ChatServiceClient owner) {
        this.chats = chats;
        this.activity = activity;
        this.owner = owner;
    }

    /**
     * The read model has not seen this chat (the caller's, or nobody's: only chat-service can tell).
     * Uncaught it is the 404 it used to be.
     */
    public static final class Unseen extends ApiException {
        private final String chatId;

        private Unseen(String chatId, ApiException notFound) {
            super(notFound.code(), notFound.getMessage(), notFound.details());
            this.chatId = chatId;
        }

        public String chatId() {
            return chatId;
        }
    }

    /** What an operation fails with when the chat it needs is not in the read model. */
    public static Unseen unseen(String chatId) {
        return new Unseen(chatId, ApiException.notFound(RESOURCE, chatId));
    }

    /**
     * Runs {@code operation}; when it fails with {@link Unseen}, learns that chat from chat-service and
     * runs it once more (the chat is in the read model then, unless it was deleted meanwhile: 404).
     */
    public <T> Uni<T> resolving(String userId, String bearer, Supplier<Uni<T>> operation) {
        return Uni.createFrom().<T>deferred(operation::get)
                .onFailure(Unseen.class).recoverWithUni(e -> learn(((Unseen) e).chatId(), userId, bearer)
                        .flatMap(known -> Uni.createFrom().<T>deferred(operation::get)));
    }

    /** Asks chat-service about {@code chatId} for the caller and records it; fails 404/503 as {@link OwnerLookup} says. */
    Uni<Void> learn(String chatId, String userId, String bearer) {
        return OwnerLookup.ask(OWNER, RESOURCE, chatId, () -> owner.chat(chatId, bearer, RequestIds.current()))
                .flatMap(answer -> {
                    ChatServiceClient.Chat chat = answer == null ? null : answer.data();
                    if (chat == null) {
                        return Uni.createFrom().failure(ApiException.unavailable(OWNER, RESOURCE, chatId, 2));
                    }
                    // the owner answered 200 for the caller's token: the chat is the caller's
                    return Panache.withTransaction(() -> activity.chatSeen(chatId, chat.projectId(), userId, parse(chat.createdAt())))
                            // e.g. a deadlock with the consumer applying the same chat: what matters is that the row is there
                            .onFailure().recoverWithUni(e -> Panache.withSession(() -> chats.findOwned(chatId, userId))
                                    .flatMap(ref -> ref != null ? Uni.createFrom().voidItem() : Uni.createFrom().failure(e)));
                });
    }

    private static Instant parse(String value) {
        try {
            return value == null ? Instant.now() : Instant.parse(value);
        } catch (RuntimeException e) {
            return Instant.now();
        }
    }
}
