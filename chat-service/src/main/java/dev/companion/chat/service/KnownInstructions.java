package dev.companion.chat.service;

import dev.companion.chat.client.ProjectServiceClient;
import dev.companion.chat.client.ProjectServiceClient.Instruction;
import dev.companion.chat.client.ProjectServiceClient.InstructionPage;
import dev.companion.chat.model.Chat;
import dev.companion.chat.model.InstructionRef;
import dev.companion.chat.repository.ChatRepository;
import dev.companion.chat.repository.InstructionRefRepository;
import dev.companion.common.web.RequestIds;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Read-your-writes for the instruction layers of a prompt: a set written a moment before a message may
 * not have reached the read model through project.events yet, and a missing layer is a miss nobody would
 * see. So while the caller's token is in hand (send, regenerate, batch), the sets applying to the chat are
 * read from project-service ({@code GET /v1/instructions?chatId=…}: global, the chat's project's, the
 * chat's own) and stored before the answer reads them; sets of that scope the owner no longer lists go.
 * If project-service is away the answer goes on with the read model as it is (the last known
 * instructions), logged at WARN once per outage: an answer is worth more than a refusal here.
 */
@ApplicationScoped
public class KnownInstructions {

    private static final Logger LOG = Logger.getLogger(KnownInstructions.class);
    static final int PAGE_SIZE = 100;
    /** More applicable sets than this (500) and the refresh stores what it read and removes nothing. */
    static final int MAX_PAGES = 5;

    private final ChatRepository chats;
    private final InstructionRefRepository instructions;
    private final ProjectServiceClient owner;
    /** project-service failed the last refresh: the WARN was logged, the next ones are quiet until it answers. */
    private final AtomicBoolean ownerAway = new AtomicBoolean();

    public KnownInstructions(ChatRepository chats, InstructionRefRepository instructions, @RestClient ProjectServiceClient owner) {
        this.chats = chats;
        this.instructions = instructions;
        this.owner = owner;
    }

    /** What project-service listed for a chat, and when it was asked. */
    record Listed(List<Instruction> sets, boolean complete, Instant askedAt) {
    }

    /**
     * Brings the read model's sets for {@code chatId} up to project-service's; never fails. A chat that is
     * not the user's is left alone (chat-service owns chats: the send itself answers 404, nothing is asked).
     */
    public Uni<Void> refresh(String userId, String chatId, String bearer) {
        String requestId = RequestIds.current();
        return Panache.withSession(() -> chats.findOwned(chatId, userId)).flatMap(chat -> {
            if (chat == null) {
                return Uni.createFrom().voidItem();
            }
            Instant askedAt = Instant.now();
            return Uni.createFrom().deferred(() -> listed(chatId, bearer, requestId, 1, new ArrayList<>()))
                    .map(l -> {
                        if (ownerAway.compareAndSet(true, false)) {
                            LOG.infof("project-service answers again: instruction sets are refreshed when a message is sent");
                        }
                        return new Listed(l.sets(), l.complete(), askedAt);
                    })
                    .onFailure().recoverWithItem(e -> {
                        if (ownerAway.compareAndSet(false, true)) {
                            LOG.warnf("instruction sets not refreshed from project-service (%s, chat %s): answering with the "
                                    + "known ones until it answers again", e.toString(), chatId);
                        } else {
                            LOG.debugf("instruction sets of chat %s not refreshed from project-service (%s)", chatId, e.toString());
                        }
                        return null;
                    })
                    .flatMap(l -> l == null ? Uni.createFrom().voidItem()
                            : Panache.withTransaction(() -> store(chat, l)).onFailure().recoverWithUni(e -> {
                                LOG.warnf(e, "instruction sets of chat %s from project-service not stored: answering with the known ones",
                                        chatId);
                                return Uni.createFrom().voidItem();
                            }));
        });
    }

    /** Every page up to {@link #MAX_PAGES}; {@code complete} when nothing was left unread. */
    private Uni<Listed> listed(String chatId, String bearer, String requestId, int page, List<Instruction> into) {
        return owner.instructionsOfChat(chatId, page, PAGE_SIZE, bearer, requestId).flatMap(answer -> {
            InstructionPage data = answer.data();
            List<Instruction> sets = data == null || data.instructions() == null ? List.of() : data.instructions();
            into.addAll(sets);
            boolean more = data != null && data.pagination() != null && page < data.pagination().pages() && !sets.isEmpty();
            if (!more) {
                return Uni.createFrom().item(new Listed(into, true, null));
            }
            if (page >= MAX_PAGES) {
                return Uni.createFrom().item(new Listed(into, false, null));
            }
            return listed(chatId, bearer, requestId, page + 1, into);
        });
    }

    /** In one transaction: the sets it no longer lists go, each listed one is upserted (ordered by id: no lock cycles). */
    private Uni<Void> store(Chat chat, Listed listed) {
        List<Instruction> sets = new ArrayList<>(listed.sets());
        sets.removeIf(s -> s.id() == null);
        sets.sort(Comparator.comparing(Instruction::id));
        Uni<Void> chain = listed.complete()
                ? instructions.deleteApplicableExcept(chat.userId, chat.projectId, chat.id,
                        sets.stream().map(Instruction::id).toList(), listed.askedAt())
                : Uni.createFrom().voidItem();
        for (Instruction s : sets) {
            InstructionRef ref = toRef(chat.userId, s);
            chain = chain.flatMap(x -> instructions.upsert(ref));
        }
        return chain;
    }

    /** The owner answered for the caller's token: the set is the caller's. Same fields the project.events consumer writes. */
    static InstructionRef toRef(String userId, Instruction s) {
        InstructionRef i = new InstructionRef();
        i.id = s.id();
        i.userId = userId;
        i.name = s.name();
        i.scope = s.scope() == null ? "global" : s.scope();
        i.projectId = s.projectId();
        i.chatId = s.chatId();
        i.mode = s.mode() == null ? "append" : s.mode();
        i.instructions = s.instructions() == null || s.instructions().isNull() ? "{}" : s.instructions().toString();
        i.createdAt = parse(s.createdAt());
        // the owner's own time: the consumer's rule (an older state arriving late never wins) holds both ways
        i.updatedAt = parse(s.updatedAt());
        return i;
    }

    private static Instant parse(String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
