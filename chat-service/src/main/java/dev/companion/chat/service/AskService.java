package dev.companion.chat.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.chat.client.ProjectServiceClient;
import dev.companion.chat.client.ProviderRouter;
import dev.companion.chat.model.ProjectRef;
import dev.companion.chat.rest.dto.AskRequest;
import dev.companion.chat.rest.dto.AskResponse;
import dev.companion.chat.rest.dto.CreateChatRequest;
import dev.companion.chat.rest.dto.SendMessageRequest;
import dev.companion.chat.repository.ProjectRefRepository;
import dev.companion.common.api.ApiException;
import dev.companion.common.client.OwnerLookup;
import dev.companion.common.web.RequestIds;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One-call ask (seed 004's {@code /api/ask}): sends the prompt through the normal pipeline (so chunks,
 * socket, SSE and cancel work as for any prompt) and answers once the answer is complete. Without
 * {@code chatId} a chat is created in the user's default project: their oldest project that is not
 * archived, or a new project "Default" when they have none.
 */
@ApplicationScoped
public class AskService {

    static final String DEFAULT_PROJECT = "Default";

    private final ChatService chats;
    private final MessageService messages;
    private final KnownProjects known;
    private final KnownInstructions instructions;
    private final ProjectRefRepository projects;
    private final ProjectServiceClient projectService;
    private final ProviderRouter router;
    private final ObjectMapper mapper;

    public AskService(ChatService chats, MessageService messages, KnownProjects known, KnownInstructions instructions,
                      ProjectRefRepository projects, @RestClient ProjectServiceClient projectService, ProviderRouter router,
                      ObjectMapper mapper) {
        this.chats = chats;
        this.messages = messages;
        this.known = known;
        this.instructions = instructions;
        this.projects = projects;
        this.projectService = projectService;
        this.router = router;
        this.mapper = mapper;
    }

    public Uni<AskResponse> ask(String userId, AskRequest request, String bearer) {
        if (request.model() != null && !router.knows(request.model())) {
            return Uni.createFrom().failure(ApiException.validation("model", "oneOf", router.modelNames(), "Unknown model: " + request.model()));
        }
        if (request.parentId() != null && request.chatId() == null) {
            return Uni.createFrom().failure(ApiException.validation("chatId", "required", null, "parentId needs the chatId it belongs to"));
        }
        Uni<String> chatId = request.chatId() != null ? Uni.createFrom().item(request.chatId())
                : defaultProject(userId, bearer).flatMap(projectId -> chats.create(userId, projectId,
                new CreateChatRequest(title(request.content()), request.model(), null, null, null), bearer)).map(c -> c.id());
        return chatId.flatMap(id -> instructions.refresh(userId, id, bearer).replaceWith(id))
                .flatMap(id -> answer(userId, id, request));
    }

    private Uni<AskResponse> answer(String userId, String chatId, AskRequest request) {
        AtomicReference<String> promptId = new AtomicReference<>();
        AtomicReference<String> answerId = new AtomicReference<>();
        return Multi.createFrom().<String>emitter(em -> messages.send(userId, chatId,
                        new SendMessageRequest(request.content(), null, null, request.parentId()), stream -> {
                            answerId.set(stream.messageId);
                            stream.listen(em);
                        })
                        .subscribe().with(turn -> promptId.set(turn.prompt().id), em::fail))
                .filter(line -> !"[DONE]".equals(line))
                .map(this::parse)
                .filter(e -> e != null && ("message.complete".equals(e.path("type").asText()) || "message.error".equals(e.path("type").asText())))
                .toUni()
                .map(last -> {
                    boolean ok = "message.complete".equals(last.path("type").asText());
                    String content = ok ? last.path("fullContent").asText() : null;
                    String error = ok ? "" : last.path("error").path("code").asText() + ": " + last.path("error").path("message").asText();
                    return new AskResponse(promptId.get(), answerId.get(), chatId, content, error);
                })
                .flatMap(r -> r.content() != null ? Uni.createFrom().item(r)
                        // an error: what was streamed until then, as stored
                        : messages.get(userId, chatId, r.responseId()).map(m -> new AskResponse(r.id(), r.responseId(), chatId,
                        m.content() == null ? "" : m.content(), r.error())));
    }

    /** The user's oldest project that is not archived, or a new "Default" one. */
    Uni<String> defaultProject(String userId, String bearer) {
        return Panache.withSession(() -> projects.find("userId = ?1 and archived = false order by id", userId).<ProjectRef>firstResult())
                .flatMap(p -> p != null ? Uni.createFrom().item(p.id)
                        : OwnerLookup.ask("project-service", "project", DEFAULT_PROJECT, () -> projectService.createProject(
                                Map.of("name", DEFAULT_PROJECT, "description", "Chats started with POST /v1/ask"), bearer, RequestIds.current()))
                        .map(env -> env.data().id()));
    }

    private JsonNode parse(String line) {
        try {
            return mapper.readTree(line);
        } catch (Exception e) {
            return null;
        }
    }

    static String title(String content) {
        String oneLine = content.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 60 ? oneLine : oneLine.substring(0, 57) + "...";
    }
}
