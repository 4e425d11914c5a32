package dev.companion.chat.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.chat.service.ChatService;
import dev.companion.chat.model.InstructionRef;
import dev.companion.chat.repository.InstructionRefRepository;
import dev.companion.chat.repository.ProjectRefRepository;
import dev.companion.common.events.EventEnvelope;
import dev.companion.common.events.EventReader;
import dev.companion.common.outbox.IdempotentConsumer;
import dev.companion.events.InstructionDeleted;
import dev.companion.events.InstructionSnapshot;
import dev.companion.events.ProjectDeleted;
import dev.companion.events.ProjectEvent;
import dev.companion.events.ProjectSnapshot;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.Instant;

/**
 * Keeps the read models chat-service needs from project.events: projects (ownership, archived) and
 * instruction sets (for the system prompt). Applied once per event ({@link IdempotentConsumer}); a deleted
 * project takes its chats along.
 */
@ApplicationScoped
public class ProjectEventsConsumer {

    static final String CONSUMER = "chat-service.project-events";

    private final IdempotentConsumer consumer;
    private final EventReader reader;
    private final ObjectMapper mapper;
    private final ProjectRefRepository projects;
    private final InstructionRefRepository instructions;
    private final ChatService chats;

    public ProjectEventsConsumer(IdempotentConsumer consumer, EventReader reader, ObjectMapper mapper,
                                 ProjectRefRepository projects, InstructionRefRepository instructions, ChatService chats) {
        this.consumer = consumer;
        this.reader = reader;
        this.mapper = mapper;
        this.projects = projects;
        this.instructions = instructions;
        this.chats = chats;
    }

    @Incoming("project-events")
    public Uni<Void> consume(String value) {
        return consumer.consume(CONSUMER, value, this::apply);
    }

    private Uni<Void> apply(EventEnvelope event) {
        ProjectEvent e = reader.decode(event, ProjectEvent.class).orElse(null);
        if (e instanceof ProjectSnapshot p) {
            Instant updated = instant(p.updatedAt());
            return projects.upsert(p.id(), p.userId(), p.archived(), updated == null ? Instant.now() : updated);
        }
        if (e instanceof ProjectDeleted d) {
            return projects.deleteById(d.id()).flatMap(x -> chats.deleteProjectChats(d.id()));
        }
        if (e instanceof InstructionSnapshot s) {
            return upsertInstruction(s);
        }
        if (e instanceof InstructionDeleted d) {
            return instructions.deleteById(d.id()).replaceWithVoid();
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> upsertInstruction(InstructionSnapshot s) {
        InstructionRef i = new InstructionRef();
        i.id = s.id();
        i.userId = s.userId();
        i.name = s.name();
        i.scope = s.scope() != null ? s.scope() : "global";
        i.projectId = s.projectId();
        i.chatId = s.chatId();
        i.mode = s.mode() != null ? s.mode() : "append";
        try {
            i.instructions = s.instructions() == null ? "{}" : mapper.writeValueAsString(s.instructions());
        } catch (JsonProcessingException ex) {
            return Uni.createFrom().failure(new IllegalArgumentException(ex));
        }
        i.createdAt = instant(s.createdAt());
        i.updatedAt = instant(s.updatedAt());
        return instructions.upsert(i);
    }

    private static Instant instant(String value) {
        try {
            return value != null ? Instant.parse(value) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
