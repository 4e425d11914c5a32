package dev.companion.chat.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.companion.chat.client.ProviderRouter;
import dev.companion.chat.events.ChatEventPublisher;
import dev.companion.chat.model.Message;
import dev.companion.chat.model.MessageStatus;
import dev.companion.chat.repository.ChatRepository;
import dev.companion.chat.repository.MessageRepository;
import dev.companion.chat.rest.dto.CreateChatRequest;
import dev.companion.chat.rest.dto.SendMessageRequest;
import dev.companion.common.api.ApiException;
import dev.companion.common.id.Ids;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenAI-compatible API ({@code /v1/openai/chat/completions}, {@code /v1/openai/models}): a completion
 * request is recorded as a chat in the user's default project (system messages → the chat's system
 * message, the earlier turns stored as its history, the last user message sent through the normal
 * pipeline), so the user's model catalogue, instruction sets, key pool, chunks on the socket, cancel and
 * the message store all apply; the answer is returned in OpenAI's wire format.
 */
@ApplicationScoped
public class OpenAiCompatService {

    /** A validated completion request. */
    public record Request(String model, String system, List<Turn> history, String prompt, boolean stream, boolean includeUsage) {
    }

    /** An earlier message of the conversation. */
    public record Turn(String role, String content) {
    }

    private final AskService asks;
    private final ChatService chats;
    private final MessageService messages;
    private final KnownInstructions instructions;
    private final ChatRepository chatRepository;
    private final MessageRepository messageRepository;
    private final ChatEventPublisher events;
    private final ProviderRouter router;
    private final ObjectMapper mapper;

    public OpenAiCompatService(AskService asks, ChatService chats, MessageService messages, KnownInstructions instructions,
                               ChatRepository chatRepository, MessageRepository messageRepository, ChatEventPublisher events,
                               ProviderRouter router, ObjectMapper mapper) {
        this.asks = asks;
        this.chats = chats;
        this.messages = messages;
        this.instructions = instructions;
        this.chatRepository = chatRepository;
        this.messageRepository = messageRepository;
        this.events = events;
        this.router = router;
        this.mapper = mapper;
    }

    /** {@code GET /v1/openai/models}: the model catalogue as OpenAI's list. */
    public ObjectNode models() {
        ObjectNode list = mapper.createObjectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        router.modelNames().stream().sorted().forEach(name -> data.addObject().put("id", name).put("object", "model")
                .put("created", 0).put("owned_by", "companion"));
        return list;
    }

    /** Checks an OpenAI request body; every refusal is {@code VALIDATION_ERROR} naming the field. */
    public Request parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.validation("body", "required", null, "a JSON object is required");
        }
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            throw ApiException.validation("model", "required", null, "model is required");
        }
        if (!router.knows(model.asText())) {
            throw ApiException.validation("model", "oneOf", router.modelNames(), "Unknown model: " + model.asText());
        }
        JsonNode stream = body.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw ApiException.validation("stream", "boolean", null, "stream must be true or false");
        }
        JsonNode msgs = body.get("messages");
        if (msgs == null || !msgs.isArray() || msgs.isEmpty()) {
            throw ApiException.validation("messages", "required", null, "messages must be a non-empty array");
        }
        if (msgs.size() > 1000) {
            throw ApiException.validation("messages", "maxSize", 1000, "at most 1000 messages");
        }
        StringBuilder system = new StringBuilder();
        List<Turn> turns = new ArrayList<>();
        int chars = 0;
        for (int i = 0; i < msgs.size(); i++) {
            JsonNode m = msgs.get(i);
            String field = "messages[" + i + "]";
            String role = m.path("role").asText("");
            String content = content(m.get("content"), field + ".content");
            chars += content.length();
            switch (role) {
                case "system", "developer" -> system.append(system.isEmpty() ? "" : "\n\n").append(content);
                case "user", "assistant" -> turns.add(new Turn(role, content));
                default -> throw ApiException.validation(field + ".role", "oneOf", List.of("system", "developer", "user", "assistant"),
                        "Unknown role: " + role);
            }
        }
        if (chars > 1_000_000) {
            throw ApiException.validation("messages", "maxLength", 1_000_000, "the messages are too long");
        }
        if (turns.isEmpty() || !"user".equals(turns.get(turns.size() - 1).role())) {
            throw ApiException.validation("messages", "lastIsUser", null, "the last message must be the user's");
        }
        String prompt = turns.remove(turns.size() - 1).content();
        if (prompt.isBlank()) {
            throw ApiException.validation("messages[" + (msgs.size() - 1) + "].content", "notBlank", null, "the prompt is empty");
        }
        if (system.length() > 20000) {
            throw ApiException.validation("messages", "maxSystemLength", 20000, "system messages are too long");
        }
        boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        return new Request(model.asText(), system.isEmpty() ? null : system.toString(), turns, prompt,
                stream != null && stream.asBoolean(false), includeUsage);
    }

    private static String content(JsonNode c, String field) {
        if (c != null && c.isTextual()) {
            return c.asText();
        }
        if (c != null && c.isArray()) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < c.size(); i++) {
                JsonNode part = c.get(i);
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw ApiException.validation(field + "[" + i + "]", "textPart", null, "only text parts are supported");
                }
                text.append(part.get("text").asText());
            }
            return text.toString();
        }
        throw ApiException.validation(field, "string", null, "content must be a string or an array of text parts");
    }

    /**
     * Records the conversation as a chat and starts the answer; the Uni completes once it streams (so a
     * refusal can still be an HTTP error) with the answer as OpenAI chunk objects (JSON text), an error
     * object if the answer fails, then {@code [DONE]}.
     */
    public Uni<Multi<String>> start(String userId, Request request, String bearer) {
        long created = Instant.now().getEpochSecond();
        io.smallrye.mutiny.operators.multi.processors.UnicastProcessor<String> out =
                io.smallrye.mutiny.operators.multi.processors.UnicastProcessor.create();
        java.util.concurrent.atomic.AtomicReference<LiveStreams.LiveStream> answer = new java.util.concurrent.atomic.AtomicReference<>();
        return record(userId, request, bearer)
                .flatMap(chat -> messages.send(userId, chat.chatId(), new SendMessageRequest(request.prompt(), null, null, chat.leafId()),
                        live -> {
                            answer.set(live);
                            String id = "chatcmpl-" + live.messageId;
                            out.onNext(chunk(id, created, request.model(), mapper.createObjectNode().put("role", "assistant").put("content", ""), null));
                            live.listen(new Translating(out, id, created, request));
                        }))
                // the client left mid-stream (its connection closed): the answer is cancelled as by the cancel
                // route, so the provider request is closed and the partial text stored `cancelled`
                .replaceWith(() -> out.onCancellation().invoke(() -> {
                    LiveStreams.LiveStream live = answer.get();
                    if (live != null) {
                        live.stop("cancelled");
                    }
                }));
    }

    /** Records the conversation and waits for the whole answer: OpenAI's {@code chat.completion} object. */
    public Uni<ObjectNode> complete(String userId, Request request, String bearer) {
        long created = Instant.now().getEpochSecond();
        java.util.concurrent.atomic.AtomicReference<String> answerId = new java.util.concurrent.atomic.AtomicReference<>();
        return Multi.createFrom().<String>emitter(em -> record(userId, request, bearer)
                        .flatMap(chat -> messages.send(userId, chat.chatId(), new SendMessageRequest(request.prompt(), null, null, chat.leafId()),
                                live -> {
                                    answerId.set(live.messageId);
                                    live.listen(em);
                                }))
                        .subscribe().with(turn -> { }, em::fail))
                .filter(line -> !"[DONE]".equals(line))
                .map(this::read)
                .filter(e -> "message.complete".equals(e.path("type").asText()) || "message.error".equals(e.path("type").asText()))
                .toUni()
                .map(last -> {
                    if (!"message.complete".equals(last.path("type").asText())) {
                        throw new ApiException(dev.companion.common.api.ErrorCode.SERVICE_UNAVAILABLE,
                                "The model failed: " + last.path("error").path("message").asText(),
                                java.util.Map.of("code", last.path("error").path("code").asText(), "messageId", answerId.get()), 5);
                    }
                    ObjectNode out = mapper.createObjectNode().put("id", "chatcmpl-" + answerId.get()).put("object", "chat.completion")
                            .put("created", created).put("model", request.model());
                    ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
                    choice.putObject("message").put("role", "assistant").put("content", last.path("fullContent").asText()).putNull("refusal");
                    choice.putNull("logprobs");
                    choice.put("finish_reason", "stop");
                    out.set("usage", usage(last.path("usage")));
                    return out;
                });
    }

    /** The chat and the id of the last stored message of the history (the prompt's parent). */
    private record Recorded(String chatId, String leafId) {
    }

    private Uni<Recorded> record(String userId, Request request, String bearer) {
        return asks.defaultProject(userId, bearer)
                .flatMap(projectId -> chats.create(userId, projectId,
                        new CreateChatRequest(AskService.title(request.prompt()), request.model(), null, request.system(), null), bearer))
                .flatMap(chat -> instructions.refresh(userId, chat.id(), bearer).replaceWith(chat.id()))
                .flatMap(chatId -> request.history().isEmpty() ? Uni.createFrom().item(new Recorded(chatId, null))
                        : Panache.withTransaction(() -> chatRepository.findOwned(chatId, userId).flatMap(chat -> {
                    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    String parent = null;
                    int i = 0;
                    for (Turn t : request.history()) {
                        Message m = new Message();
                        m.id = Ids.newId("msg");
                        m.chatId = chatId;
                        m.userId = userId;
                        m.parentId = parent;
                        m.role = t.role();
                        m.content = t.content();
                        m.status = "user".equals(t.role()) ? MessageStatus.SENT : MessageStatus.COMPLETE;
                        m.model = "assistant".equals(t.role()) ? request.model() : null;
                        m.createdAt = now.plus(i++, ChronoUnit.MICROS);
                        m.updatedAt = m.createdAt;
                        parent = m.id;
                        chain = chain.flatMap(x -> messageRepository.persist(m)).flatMap(x -> events.messageCreated(chat, m));
                    }
                    String leaf = parent;
                    chat.currentLeafId = leaf;
                    chat.messageCount += request.history().size();
                    chat.updatedAt = now;
                    return chain.flatMap(x -> events.chatChanged("chat.updated", chat)).replaceWith(new Recorded(chatId, leaf));
                })));
    }

    private String chunk(String id, long created, String model, ObjectNode delta, String finishReason) {
        ObjectNode c = mapper.createObjectNode().put("id", id).put("object", "chat.completion.chunk").put("created", created)
                .put("model", model).putNull("system_fingerprint");
        ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return c.toString();
    }

    private ObjectNode usage(JsonNode u) {
        return mapper.createObjectNode().put("prompt_tokens", u.path("promptTokens").asInt())
                .put("completion_tokens", u.path("completionTokens").asInt()).put("total_tokens", u.path("totalTokens").asInt());
    }

    private JsonNode read(String line) {
        try {
            return mapper.readTree(line);
        } catch (Exception e) {
            return mapper.createObjectNode();
        }
    }

    /** Turns the pipeline's SSE events into OpenAI chunks on the client's emitter. */
    private final class Translating implements io.smallrye.mutiny.subscription.MultiEmitter<String> {
        private final io.smallrye.mutiny.operators.multi.processors.UnicastProcessor<String> out;
        private final String id;
        private final long created;
        private final Request request;

        Translating(io.smallrye.mutiny.operators.multi.processors.UnicastProcessor<String> out, String id, long created, Request request) {
            this.out = out;
            this.id = id;
            this.created = created;
            this.request = request;
        }

        @Override
        public io.smallrye.mutiny.subscription.MultiEmitter<String> emit(String line) {
            if ("[DONE]".equals(line)) {
                out.onNext("[DONE]");
                return this;
            }
            JsonNode e = read(line);
            switch (e.path("type").asText()) {
                case "message.chunk" -> out.onNext(chunk(id, created, request.model(),
                        mapper.createObjectNode().put("content", e.path("content").asText()), null));
                case "message.complete" -> {
                    out.onNext(chunk(id, created, request.model(), mapper.createObjectNode(), "stop"));
                    if (request.includeUsage()) {
                        ObjectNode u = mapper.createObjectNode().put("id", id).put("object", "chat.completion.chunk")
                                .put("created", created).put("model", request.model());
                        u.putArray("choices");
                        u.set("usage", usage(e.path("usage")));
                        out.onNext(u.toString());
                    }
                }
                case "message.error" -> {
                    ObjectNode err = mapper.createObjectNode();
                    err.putObject("error").put("message", e.path("error").path("message").asText())
                            .put("type", "server_error").put("code", e.path("error").path("code").asText());
                    out.onNext(err.toString());
                }
                default -> { }
            }
            return this;
        }

        @Override
        public void fail(Throwable failure) {
            out.onError(failure);
        }

        @Override
        public void complete() {
            out.onComplete();
        }

        @Override
        public io.smallrye.mutiny.subscription.MultiEmitter<String> onTermination(Runnable onTermination) {
            return this;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public long requested() {
            return Long.MAX_VALUE;
        }
    }
}
