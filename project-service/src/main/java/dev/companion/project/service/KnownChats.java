package dev.companion.project.service;

import dev.companion.common.client.OwnerLookup;
import dev.companion.common.web.RequestIds;
import dev.companion.project.client.ChatServiceClient;
import dev.companion.project.repository.ChatRefRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import java.time.Instant;

/**
 * Read-your-writes for chats: the read model (fed by chat.events) answers when it knows the chat; on a
 * miss chat-service is asked with the caller's token and its answer is recorded the way chat.created
 * records it ({@link ChatActivityService#chatSeen}: the later event then changes nothing), so a
 * chat-scoped instruction set can be attached to a chat created a moment ago. Only chat-service's "no"
 * is 404; chat-service away is 503 with Retry-After ({@link OwnerLookup}).
 */
@ApplicationScoped
public class KnownChats {

    static final String OWNER = "chat-service";
    private static final Logger LOG = Logger.getLogger(KnownChats.class);

    private final ChatRefRepository chats;
    private final ChatActivityService activity;
    private final ChatServiceClient owner;

    public KnownChats(ChatRefRepository chats, ChatActivityService activity, @RestClient ChatServiceClient owner) {
        this.chats = chats;
        this.activity = activity;
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
            return OwnerLookup.ask(OWNER, "Chat", chatId, () -> owner.chat(chatId, bearer, RequestIds.current()))
                    .flatMap(answer -> Panache.withTransaction(() -> activity.chatSeen(answer.data().id(), answer.data().projectId(),
                                    userId, parse(answer.data().createdAt())))
                            // chat.created applied at the same moment: the row is there either way
                            .onFailure().invoke(e -> LOG.debugf("chat %s recorded concurrently: %s", chatId, e.getMessage()))
                            .onFailure().recoverWithNull().replaceWithVoid());
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
