package dev.companion.project.service;

import dev.companion.common.api.ApiException;
import dev.companion.common.api.PageRequest;
import dev.companion.common.api.Pagination;
import dev.companion.common.id.Ids;
import dev.companion.common.instructions.InstructionLayer;
import dev.companion.common.instructions.InstructionResolver;
import dev.companion.common.instructions.ResolvedInstructions;
import dev.companion.common.outbox.Outbox;
import dev.companion.events.InstructionCreated;
import dev.companion.events.InstructionUpdated;
import dev.companion.project.mapping.InstructionMapper;
import dev.companion.project.model.InstructionScope;
import dev.companion.project.model.InstructionSet;
import dev.companion.project.repository.ChatRefRepository;
import dev.companion.project.repository.InstructionSetRepository;
import dev.companion.project.repository.ProjectRepository;
import dev.companion.project.rest.dto.CreateInstructionRequest;
import dev.companion.project.rest.dto.EffectiveInstructionsView;
import dev.companion.project.rest.dto.InstructionPage;
import dev.companion.project.rest.dto.InstructionView;
import dev.companion.project.rest.dto.InstructionsDto;
import dev.companion.project.rest.dto.UpdateInstructionRequest;
import dev.companion.common.api.ErrorResponse.Timestamps;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Instruction sets: scope and ownership of the referenced project or chat, partial updates, events,
 * and resolution through the shared {@link InstructionResolver} (the same rule chat-service applies).
 * A chat the read model has not seen fails with {@link KnownChats.Unseen}: callers run these methods
 * through {@link KnownChats#resolving}, which asks chat-service and runs them again.
 */
@ApplicationScoped
public class InstructionService {

    /** Names the rendering rule of {@link InstructionResolver#render}, so clients can tell if it ever changes. */
    public static final String PROMPT_FORMAT = "companion.instructions.v1";

    private final InstructionSetRepository sets;
    private final ProjectRepository projects;
    private final ChatRefRepository chats;
    private final Outbox outbox;

    public InstructionService(InstructionSetRepository sets, ProjectRepository projects, ChatRefRepository chats, Outbox outbox) {
        this.sets = sets;
        this.projects = projects;
        this.chats = chats;
        this.outbox = outbox;
    }

    /** Where a set is attached once its scope has been checked against what the user owns. */
    private record Target(InstructionScope scope, String projectId, String chatId) {
    }

    @WithTransaction
    public Uni<InstructionView> createInstructionSet(String userId, CreateInstructionRequest request) {
        InstructionsDto in = request.instructions();
        requireContent(in.role(), in.style(), in.constraints(), in.examples());
        return target(userId, InstructionScope.fromWire(request.scope()), request.projectId(), request.chatId()).flatMap(t -> {
            Instant now = ProjectService.now();
            InstructionSet s = new InstructionSet();
            s.id = Ids.newId("inst");
            s.userId = userId;
            s.name = request.name().strip();
            s.scope = t.scope().wire();
            s.projectId = t.projectId();
            s.chatId = t.chatId();
            s.mode = request.mode() == null ? InstructionLayer.APPEND : request.mode();
            s.role = in.role();
            s.style = in.style();
            s.constraints = array(in.constraints());
            s.examples = array(in.examples());
            s.createdAt = now;
            s.updatedAt = now;
            return sets.persist(s)
                    .call(saved -> outbox.publish(InstructionMapper.toEvent(InstructionCreated.TYPE, s), userId))
                    .map(InstructionMapper::toView);
        });
    }

    @WithSession
    public Uni<InstructionView> getInstructionSet(String userId, String id) {
        return owned(userId, id).map(InstructionMapper::toView);
    }

    @WithSession
    public Uni<InstructionPage> listInstructionSets(String userId, String scope, String projectId, String chatId,
                                                    String page, String limit) {
        PageRequest pageRequest = PageRequest.of(QueryParams.integer("page", page), QueryParams.integer("limit", limit));
        if (scope != null && !scope.isBlank() && InstructionScope.fromWire(scope) == null) {
            throw ApiException.validation("scope", "oneOf", InstructionScope.wireValues(), "scope must be one of global, project, chat");
        }
        String project = blankToNull(projectId);
        String chat = blankToNull(chatId);
        Uni<String> chatProject = chat == null ? Uni.createFrom().nullItem()
                : chats.findOwned(chat, userId).onItem().ifNull().failWith(() -> KnownChats.unseen(chat)).map(ref -> ref.projectId);
        return chatProject.flatMap(cp -> {
            if (chat != null && project != null && !project.equals(cp)) {
                throw ApiException.validation("projectId", "matchesChat", cp, "projectId must be the project of the chat");
            }
            var query = sets.filtered(userId, blankToNull(scope), project, chat, cp);
            return query.count().flatMap(total -> query.page(pageRequest.page() - 1, pageRequest.limit()).list()
                .map(list -> new InstructionPage(list.stream().map(InstructionMapper::toView).toList(),
                        Pagination.of(pageRequest, total))));
        });
    }

    /**
     * Applies the fields that were sent (inside {@code instructions} too); a change of scope, project or
     * chat is checked like a create. An update that changes nothing emits nothing.
     */
    @WithTransaction
    public Uni<InstructionView> updateInstructionSet(String userId, String id, UpdateInstructionRequest request) {
        return owned(userId, id).flatMap(s -> {
            InstructionScope scope = request.scope() == null ? InstructionScope.fromWire(s.scope) : InstructionScope.fromWire(request.scope());
            boolean sameScope = scope.wire().equals(s.scope);
            String projectId = request.projectId() != null ? request.projectId() : sameScope ? s.projectId : null;
            String chatId = request.chatId() != null ? request.chatId() : sameScope ? s.chatId : null;
            InstructionsDto in = request.instructions();
            String role = in != null && in.role() != null ? in.role() : s.role;
            String style = in != null && in.style() != null ? in.style() : s.style;
            String[] constraints = in != null && in.constraints() != null ? array(in.constraints()) : s.constraints;
            String[] examples = in != null && in.examples() != null ? array(in.examples()) : s.examples;
            requireContent(role, style, List.of(constraints), List.of(examples));
            return target(userId, scope, projectId, chatId).flatMap(t -> {
                String name = request.name() == null ? s.name : request.name().strip();
                String mode = request.mode() == null ? s.mode : request.mode();
                boolean changed = !name.equals(s.name) || !mode.equals(s.mode) || !t.scope().wire().equals(s.scope)
                        || !Objects.equals(t.projectId(), s.projectId) || !Objects.equals(t.chatId(), s.chatId)
                        || !Objects.equals(role, s.role) || !Objects.equals(style, s.style)
                        || !Arrays.equals(constraints, s.constraints) || !Arrays.equals(examples, s.examples);
                if (!changed) {
                    return Uni.createFrom().item(InstructionMapper.toView(s));
                }
                s.name = name;
                s.mode = mode;
                s.scope = t.scope().wire();
                s.projectId = t.projectId();
                s.chatId = t.chatId();
                s.role = role;
                s.style = style;
                s.constraints = constraints;
                s.examples = examples;
                s.updatedAt = ProjectService.now();
                return outbox.publish(InstructionMapper.toEvent(InstructionUpdated.TYPE, s), userId).replaceWith(() -> InstructionMapper.toView(s));
            });
        });
    }

    @WithTransaction
    public Uni<Void> deleteInstructionSet(String userId, String id) {
        return owned(userId, id).flatMap(s -> sets.delete(s)
                .flatMap(x -> outbox.publish(InstructionMapper.toDeletedEvent(s), userId))
                .replaceWithVoid());
    }

    /**
     * The sets that apply to a chat (its project's and the user's global ones too) or to a project, merged.
     * With neither, only the global layer applies.
     */
    @WithSession
    public Uni<EffectiveInstructionsView> effectiveInstructions(String userId, String projectId, String chatId) {
        String chat = blankToNull(chatId);
        String project = blankToNull(projectId);
        Uni<String> projectOfRequest;
        if (chat != null) {
            projectOfRequest = chats.findOwned(chat, userId)
                    .onItem().ifNull().failWith(() -> KnownChats.unseen(chat))
                    .map(ref -> {
                        if (project != null && !project.equals(ref.projectId)) {
                            throw ApiException.validation("projectId", "matchesChat", ref.projectId,
                                    "projectId must be the project of the chat");
                        }
                        return ref.projectId;
                    });
        } else if (project != null) {
            projectOfRequest = projects.findOwned(project, userId)
                    .onItem().ifNull().failWith(() -> ApiException.notFound("Project", project))
                    .map(p -> p.id);
        } else {
            projectOfRequest = Uni.createFrom().nullItem();
        }
        return projectOfRequest.flatMap(p -> sets.applicable(userId, p, chat).map(list -> {
            List<InstructionLayer> layers = list.stream().map(InstructionMapper::toLayer).toList();
            ResolvedInstructions resolved = InstructionResolver.resolve(layers);
            return new EffectiveInstructionsView(p, chat, describe(resolved.layers()), InstructionMapper.toDto(resolved.merged()),
                    resolved.systemPrompt(), PROMPT_FORMAT);
        }));
    }

    /** The applied layers in order; one is "overridden" when a later override set reset what it contributed. */
    private static List<EffectiveInstructionsView.Layer> describe(List<InstructionLayer> ordered) {
        int lastOverride = -1;
        for (int i = 0; i < ordered.size(); i++) {
            if (ordered.get(i).overrides()) {
                lastOverride = i;
            }
        }
        List<EffectiveInstructionsView.Layer> out = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
            InstructionLayer l = ordered.get(i);
            out.add(new EffectiveInstructionsView.Layer(l.id(), l.name(), l.scope(), l.mode(), i < lastOverride,
                    InstructionMapper.toDto(l.instructions()), Timestamps.format(l.createdAt())));
        }
        return out;
    }

    /**
     * Checks the scope's required reference and that the user owns it. Extra references are dropped
     * (the seed sends a projectId with a global set); a chat set takes its project from the chat.
     */
    private Uni<Target> target(String userId, InstructionScope scope, String projectId, String chatId) {
        return switch (scope) {
            case GLOBAL -> Uni.createFrom().item(new Target(scope, null, null));
            case PROJECT -> {
                if (projectId == null || projectId.isBlank()) {
                    throw ApiException.validation("projectId", "required", null, "projectId is required for scope project");
                }
                yield projects.findOwned(projectId, userId)
                        .onItem().ifNull().failWith(() -> ApiException.notFound("Project", projectId))
                        .map(p -> new Target(scope, p.id, null));
            }
            case CHAT -> {
                if (chatId == null || chatId.isBlank()) {
                    throw ApiException.validation("chatId", "required", null, "chatId is required for scope chat");
                }
                yield chats.findOwned(chatId, userId)
                        .onItem().ifNull().failWith(() -> KnownChats.unseen(chatId))
                        .map(ref -> {
                            if (projectId != null && !projectId.isBlank() && !projectId.equals(ref.projectId)) {
                                throw ApiException.validation("projectId", "matchesChat", ref.projectId,
                                        "projectId must be the project of the chat");
                            }
                            return new Target(scope, ref.projectId, ref.chatId);
                        });
            }
        };
    }

    private Uni<InstructionSet> owned(String userId, String id) {
        return sets.findOwned(id, userId).onItem().ifNull().failWith(() -> ApiException.notFound("Instruction set", id));
    }

    /** A set that says nothing would change no prompt: refuse it rather than store noise. */
    private static void requireContent(String role, String style, List<String> constraints, List<String> examples) {
        boolean empty = (role == null || role.isBlank()) && (style == null || style.isBlank())
                && (constraints == null || constraints.isEmpty()) && (examples == null || examples.isEmpty());
        if (empty) {
            throw ApiException.validation("instructions", "notEmpty", null,
                    "instructions must have a role, a style, a constraint or an example");
        }
    }

    private static String[] array(List<String> items) {
        return items == null ? new String[0] : items.toArray(new String[0]);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
