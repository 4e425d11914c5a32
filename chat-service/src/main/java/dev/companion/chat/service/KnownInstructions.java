package dev.companion.chat.service;

import dev.companion.chat.client.ProjectServiceClient;
import dev.companion.chat.model.InstructionRef;
import dev.companion.chat.repository.InstructionRefRepository;
import dev.companion.common.web.RequestIds;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;

/**
 * Read-your-writes for the instruction layers of a prompt: an instruction set written a moment before
 * a message may not have reached the read model through project.events yet, and a missing layer is not
 * a miss anyone could see. So when a message is sent (the caller's token in hand), the sets applying
 * to the chat are read from project-service and stored before the answer reads them. If project-service
 * is away the answer goes on with the read model as it is (the last known instructions), logged at WARN:
 * an answer is worth more than a refusal here.
 */
@ApplicationScoped
public class KnownInstructions {

    private static final Logger LOG = Logger.getLogger(KnownInstructions.class);

    private final InstructionRefRepository instructions;
    private final ProjectServiceClient owner;

    public KnownInstructions(InstructionRefRepository instructions, @RestClient ProjectServiceClient owner) {
        this.instructions = instructions;
        this.owner = owner;
    }

    /** Brings the read model's sets for {@code chatId} up to project-service's; never fails. */
    public Uni<Void> refresh(String userId, String chatId, String bearer) {
        return owner.effective(chatId, bearer, RequestIds.current())
                .flatMap(answer -> Panache.withTransaction(() -> store(userId, chatId, answer.data())))
                .onFailure().recoverWithUni(e -> {
                    if (e instanceof jakarta.ws.rs.WebApplicationException answer && answer.getResponse().getStatus() < 500) {
                        // the owner's no (not this user's chat): the send itself answers 404
                        return Uni.createFrom().voidItem();
                    }
                    LOG.warnf("instruction sets of chat %s not refreshed from project-service (%s): answering with the known ones",
                            chatId, e.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    private Uni<Void> store(String userId, String chatId, ProjectServiceClient.Effective effective) {
        Instant now = Instant.now();
        List<ProjectServiceClient.Layer> layers = effective.layers() == null ? List.of() : effective.layers();
        Uni<Void> chain = instructions.deleteApplicableExcept(userId, effective.projectId(), chatId,
                layers.stream().map(ProjectServiceClient.Layer::id).toList());
        for (ProjectServiceClient.Layer l : layers) {
            InstructionRef i = new InstructionRef();
            i.id = l.id();
            i.userId = userId;
            i.name = l.name();
            i.scope = l.scope();
            i.projectId = "global".equals(l.scope()) ? null : effective.projectId();
            i.chatId = "chat".equals(l.scope()) ? chatId : null;
            i.mode = l.mode() == null ? "append" : l.mode();
            i.instructions = l.instructions() == null ? "{}" : l.instructions().toString();
            i.createdAt = parse(l.createdAt());
            // as of now: an event older than this answer, arriving late, does not undo it
            i.updatedAt = now;
            chain = chain.flatMap(x -> instructions.upsert(i));
        }
        return chain;
    }

    private static Instant parse(String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
