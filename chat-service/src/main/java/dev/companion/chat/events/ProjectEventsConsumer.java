package dev.companion.chat.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.chat.service.ChatService;
import dev.companion.chat.model.InstructionRef;
import dev.companion.chat.repository.InstructionRefRepository;
import dev.companion.chat.repository.ProjectRefRepository;
import dev.companion.common.events.EventEnvelope;
import dev.companion.common.events.EventReader;
import dev.companion.common.outbox.ProcessedEvents;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Instant;

/**
 * Keeps the read models chat-service needs from project.events: projects (ownership, archived) and
 * instruction sets (for the system prompt). Idempotent by event id; a deleted project takes its chats along.
 */
@ApplicationScoped
public class ProjectEventsConsumer {

    static final String CONSUMER = "chat-service.project-events";
    private static final Logger LOG = Logger.getLogger(ProjectEventsConsumer.class);

    private final EventReader reader;
    private final ProcessedEvents processed;
    private final ProjectRefRepository projects;
    private final InstructionRefRepository instructions;
    private final ChatService chats;

    public ProjectEventsConsumer(EventReader reader, ProcessedEvents processed, ProjectRefRepository projects,
                                 InstructionRefRepository instructions, ChatService chats) {
        this.reader = reader;
        this.processed = processed;
        this.projects = projects;
        this.instructions = instructions;
        this.chats = chats;
    }

    @Incoming("project-events")
    @WithTransaction
    public Uni<Void> consume(String value) {
        EventEnvelope event = reader.read(value);
        if (event == null || event.data() == null) {
            LOG.warnf("ignoring an unreadable project.events record");
            return Uni.createFrom().voidItem();
        }
        return processed.firstDelivery(CONSUMER, event.id())
                .flatMap(first -> first ? apply(event) : Uni.createFrom().voidItem());
    }

    private Uni<Void> apply(EventEnvelope event) {
        JsonNode d = event.data();
        return switch (event.type()) {
            case "project.created", "project.updated", "project.archived" -> upsertProject(d);
            case "project.deleted" -> projects.deleteById(d.path("id").asText())
                    .flatMap(x -> chats.deleteProjectChats(d.path("id").asText()));
            case "instruction.created", "instruction.updated" -> upsertInstruction(d);
            case "instruction.deleted" -> instructions.deleteById(d.path("id").asText()).replaceWithVoid();
            default -> Uni.createFrom().voidItem();
        };
    }

    private Uni<Void> upsertProject(JsonNode d) {
        Instant updated = instant(d.path("updatedAt"));
        return projects.upsert(d.path("id").asText(), d.path("userId").asText(), d.path("archived").asBoolean(false),
                updated == null ? Instant.now() : updated);
    }

    private Uni<Void> upsertInstruction(JsonNode d) {
        InstructionRef i = new InstructionRef();
        i.id = d.path("id").asText();
        i.userId = d.path("userId").asText();
        i.name = d.path("name").asText(null);
        i.scope = d.path("scope").asText("global");
        i.projectId = d.path("projectId").isTextual() ? d.path("projectId").asText() : null;
        i.chatId = d.path("chatId").isTextual() ? d.path("chatId").asText() : null;
        i.mode = d.path("mode").asText("append");
        i.instructions = d.path("instructions").isMissingNode() ? "{}" : d.path("instructions").toString();
        i.createdAt = instant(d.path("createdAt"));
        i.updatedAt = instant(d.path("updatedAt"));
        return instructions.upsert(i);
    }

    private static Instant instant(JsonNode node) {
        try {
            return node.isTextual() ? Instant.parse(node.asText()) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
