package dev.companion.chat.service;

import dev.companion.chat.client.ProviderRouter;
import dev.companion.chat.events.ChatEventPublisher;
import dev.companion.chat.mapping.ChatMapper;
import dev.companion.chat.model.Chat;
import dev.companion.chat.model.ChatSettings;
import dev.companion.chat.repository.ChatRepository;
import dev.companion.chat.repository.MessageRepository;
import dev.companion.chat.repository.ProjectRefRepository;
import dev.companion.chat.rest.dto.ChatList;
import dev.companion.chat.rest.dto.ChatView;
import dev.companion.chat.rest.dto.CreateChatRequest;
import dev.companion.chat.rest.dto.UpdateChatRequest;
import dev.companion.chat.config.ChatConfig;
import dev.companion.common.api.ApiException;
import dev.companion.common.api.PageRequest;
import dev.companion.common.api.Pagination;
import dev.companion.common.id.Ids;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Chats of a project: create, list, read, update, delete; and removal when the project goes. */
@ApplicationScoped
public class ChatService {

    private final ChatRepository chats;
    private final MessageRepository messages;
    private final ProjectRefRepository projects;
    private final ChatEventPublisher events;
    private final ProviderRouter models;
    private final ChatMapper mapper;
    private final ChatConfig config;
    private final LiveStreams live;
    private final KnownProjects knownProjects;

    public ChatService(ChatRepository chats, MessageRepository messages, ProjectRefRepository projects, ChatEventPublisher events,
                       ProviderRouter models, ChatMapper mapper, ChatConfig config, LiveStreams live, KnownProjects knownProjects) {
        this.chats = chats;
        this.messages = messages;
        this.projects = projects;
        this.events = events;
        this.models = models;
        this.mapper = mapper;
        this.config = config;
        this.live = live;
        this.knownProjects = knownProjects;
    }

    /** {@code bearer}: the caller's token, for project-service when the read model has not seen the project yet. */
    public Uni<ChatView> create(String userId, String projectId, CreateChatRequest request, String bearer) {
        String model = request.model() == null ? config.defaultModel() : request.model();
        ChatSettings settings = mapper.settings(request.settings());
        checkModel(model, settings);
        return knownProjects.ensureOwned(projectId, userId, bearer)
                .flatMap(known -> Panache.withTransaction(() -> insert(userId, projectId, request, model, settings)));
    }

    private Uni<ChatView> insert(String userId, String projectId, CreateChatRequest request, String model, ChatSettings settings) {
        return projects.findOwned(projectId, userId).flatMap(project -> {
            if (project == null) {
                return Uni.createFrom().failure(ApiException.notFound("project", projectId));
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            Chat c = new Chat();
            c.id = Ids.newId("chat");
            c.projectId = projectId;
            c.userId = userId;
            c.name = request.name() == null ? "New chat" : request.name().strip();
            c.model = model;
            c.settings = mapper.write(settings);
            c.systemMessage = request.systemMessage();
            c.starred = Boolean.TRUE.equals(request.starred());
            c.createdAt = now;
            c.updatedAt = now;
            return chats.persist(c).flatMap(x -> events.chatChanged("chat.created", c)).replaceWith(() -> mapper.toView(c));
        });
    }

    public Uni<ChatList> list(String userId, String projectId, Boolean archived, Boolean starred, PageRequest page, String bearer) {
        return knownProjects.ensureOwned(projectId, userId, bearer)
                .flatMap(known -> Panache.withSession(() -> listKnown(userId, projectId, archived, starred, page)));
    }

    private Uni<ChatList> listKnown(String userId, String projectId, Boolean archived, Boolean starred, PageRequest page) {
        boolean wantArchived = Boolean.TRUE.equals(archived);
        return projects.findOwned(projectId, userId).flatMap(project -> {
            if (project == null) {
                return Uni.createFrom().failure(ApiException.notFound("project", projectId));
            }
            return chats.countInProject(projectId, userId, wantArchived, starred)
                    .flatMap(total -> chats.listInProject(projectId, userId, wantArchived, starred, Page.of(page.page() - 1, page.limit()))
                            .map(list -> new ChatList(list.stream().map(mapper::toView).toList(), Pagination.of(page, total))));
        });
    }

    @WithSession
    public Uni<ChatView> get(String userId, String chatId) {
        return owned(chatId, userId).map(mapper::toView);
    }

    @WithTransaction
    public Uni<ChatView> update(String userId, String chatId, UpdateChatRequest request) {
        return chats.findOwnedForUpdate(chatId, userId).flatMap(c -> {
            if (c == null) {
                return Uni.createFrom().failure(ApiException.notFound("chat", chatId));
            }
            String model = request.model() == null ? c.model : request.model();
            ChatSettings settings = request.settings() == null ? mapper.settings(c) : mapper.merge(mapper.settings(c), request.settings());
            checkModel(model, settings);
            if (request.name() != null) {
                c.name = request.name().strip();
            }
            c.model = model;
            c.settings = mapper.write(settings);
            if (request.systemMessage() != null) {
                c.systemMessage = request.systemMessage();
            }
            if (request.archived() != null) {
                c.archived = request.archived();
            }
            if (request.starred() != null) {
                c.starred = request.starred();
            }
            c.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            return events.chatChanged("chat.updated", c).replaceWith(() -> mapper.toView(c));
        });
    }

    @WithTransaction
    public Uni<Void> delete(String userId, String chatId) {
        return chats.findOwnedForUpdate(chatId, userId).flatMap(c -> {
            if (c == null) {
                return Uni.createFrom().failure(ApiException.notFound("chat", chatId));
            }
            return remove(c);
        });
    }

    /** From project.deleted, inside the consumer's transaction: every chat of the project goes, each with chat.deleted. */
    public Uni<Void> deleteProjectChats(String projectId) {
        return chats.findByProject(projectId).flatMap(list -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Chat c : list) {
                chain = chain.flatMap(x -> remove(c));
            }
            return chain;
        });
    }

    private Uni<Void> remove(Chat c) {
        // a streaming answer of a deleted chat has nothing left to write to
        live.allOfChat(c.id).forEach(s -> s.stop("cancelled"));
        return messages.deleteOfChat(c.id)
                .flatMap(x -> chats.delete("id", c.id))
                .flatMap(x -> events.chatDeleted(c));
    }

    Uni<Chat> owned(String chatId, String userId) {
        return chats.findOwned(chatId, userId).onItem().ifNull().failWith(() -> ApiException.notFound("chat", chatId));
    }

    /** An unknown model, or maxTokens beyond the model's output limit, is the client's error. */
    void checkModel(String model, ChatSettings settings) {
        if (!models.knows(model)) {
            throw ApiException.validation("model", "oneOf", List.copyOf(new java.util.TreeSet<>(models.modelNames())),
                    "Unknown model " + model);
        }
        int max = models.model(model).maxOutputTokens();
        if (settings.maxTokens() != null && settings.maxTokens() > max) {
            throw ApiException.validation("settings.maxTokens", "max", max, "maxTokens must be at most " + max + " for " + model);
        }
    }
}
