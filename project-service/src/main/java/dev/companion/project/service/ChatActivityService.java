package dev.companion.project.service;

import dev.companion.common.outbox.Outbox;
import dev.companion.events.InstructionUpdated;
import dev.companion.project.mapping.InstructionMapper;
import dev.companion.project.model.ChatRef;
import dev.companion.project.model.InstructionSet;
import dev.companion.project.model.Project;
import dev.companion.project.repository.ChatRefRepository;
import dev.companion.project.repository.InstructionSetRepository;
import dev.companion.project.repository.ProjectRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Applies chat-service's facts to this service's state. Called inside the consumer's transaction (or
 * the one {@link KnownChats} opens after asking chat-service); every method is safe against repeats
 * because the chat_ref row says what was already counted.
 */
@ApplicationScoped
public class ChatActivityService {

    private final ChatRefRepository chats;
    private final ProjectRepository projects;
    private final InstructionSetRepository sets;
    private final Outbox outbox;

    public ChatActivityService(ChatRefRepository chats, ProjectRepository projects, InstructionSetRepository sets, Outbox outbox) {
        this.chats = chats;
        this.projects = projects;
        this.sets = sets;
        this.outbox = outbox;
    }

    /**
     * chat.created / chat.updated, or what chat-service answered about a chat the read model had not
     * seen ({@link KnownChats}): remember the chat; a move between projects moves it in the counts and
     * moves its sets. Whichever of the two records a chat first counts it; the other then finds the same
     * row and changes nothing, so both orders end in the same state.
     */
    public Uni<Void> chatSeen(String chatId, String projectId, String userId, Instant createdAt) {
        if (chatId == null || userId == null) {
            return Uni.createFrom().voidItem();
        }
        return chats.insertIfAbsent(chatId, projectId, userId, createdAt).flatMap(inserted -> {
            if (inserted) {
                return adjust(projectId, userId, +1, createdAt);
            }
            // locked: a lookup and an event for the same chat apply one after the other
            return chats.findById(chatId, LockModeType.PESSIMISTIC_WRITE).flatMap(ref -> {
                if (ref == null || java.util.Objects.equals(ref.projectId, projectId)) {
                    return Uni.createFrom().voidItem();
                }
                String previous = ref.projectId;
                ref.projectId = projectId;
                return adjust(previous, userId, -1, null)
                        .flatMap(x -> adjust(projectId, userId, +1, Instant.now()))
                        .flatMap(x -> sets.ofChat(chatId))
                        .flatMap(list -> moveSets(list, projectId));
            });
        });
    }

    /** chat.deleted: forget the chat, uncount it, and delete its chat-scope instruction sets (with their events). */
    public Uni<Void> chatDeleted(String chatId) {
        if (chatId == null) {
            return Uni.createFrom().voidItem();
        }
        return chats.findById(chatId).flatMap(ref -> {
            if (ref == null) {
                return Uni.createFrom().voidItem();
            }
            return chats.delete(ref)
                    .flatMap(x -> adjust(ref.projectId, ref.userId, -1, null))
                    .flatMap(x -> sets.ofChat(chatId))
                    .flatMap(this::deleteSets);
        });
    }

    /** message.created: the project's last activity moves forward (never back). */
    public Uni<Void> messageCreated(String chatId, String projectId, Instant at) {
        return (chatId == null ? Uni.createFrom().<ChatRef>nullItem() : chats.findById(chatId)).flatMap(ref -> {
            String project = ref != null ? ref.projectId : projectId;
            String user = ref != null ? ref.userId : null;
            return adjust(project, user, 0, at);
        });
    }

    private Uni<Void> adjust(String projectId, String userId, int chatDelta, Instant activity) {
        if (projectId == null) {
            return Uni.createFrom().voidItem();
        }
        // locked: counts change from the consumer and from read-your-writes lookups at once; no update is lost
        return projects.findById(projectId, LockModeType.PESSIMISTIC_WRITE).map(p -> {
            if (p == null || (userId != null && !userId.equals(p.userId))) {
                // a project deleted meanwhile, or a chat claiming someone else's project: nothing to count
                return null;
            }
            touch(p, chatDelta, activity);
            return null;
        }).replaceWithVoid();
    }

    private static void touch(Project p, int chatDelta, Instant activity) {
        p.chatCount = Math.max(0, p.chatCount + chatDelta);
        if (activity != null) {
            Instant at = activity.truncatedTo(ChronoUnit.MILLIS);
            if (p.lastActivity == null || at.isAfter(p.lastActivity)) {
                p.lastActivity = at;
            }
        }
    }

    /** A chat's sets follow it to its new project, so their projectId (and event key) stay true. */
    private Uni<Void> moveSets(List<InstructionSet> list, String projectId) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (InstructionSet s : list) {
            chain = chain.flatMap(x -> {
                s.projectId = projectId;
                s.updatedAt = ProjectService.now();
                return outbox.publish(InstructionMapper.toEvent(InstructionUpdated.TYPE, s), s.userId).replaceWithVoid();
            });
        }
        return chain;
    }

    private Uni<Void> deleteSets(List<InstructionSet> list) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (InstructionSet s : list) {
            chain = chain.flatMap(x -> sets.delete(s))
                    .flatMap(x -> outbox.publish(InstructionMapper.toDeletedEvent(s), s.userId))
                    .replaceWithVoid();
        }
        return chain;
    }
}
