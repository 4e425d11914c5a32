package dev.companion.chat.service;

import dev.companion.chat.config.ChatConfig;
import dev.companion.chat.events.ChatEventPublisher;
import dev.companion.chat.mapping.ChatMapper;
import dev.companion.chat.model.Chat;
import dev.companion.chat.model.Message;
import dev.companion.chat.model.MessageStatus;
import dev.companion.chat.repository.ChatRepository;
import dev.companion.chat.repository.MessageRepository;
import dev.companion.chat.rest.dto.MessageMetadata;
import dev.companion.chat.rest.dto.MessagePage;
import dev.companion.chat.rest.dto.MessageView;
import dev.companion.chat.rest.dto.SendMessageRequest;
import dev.companion.chat.rest.dto.StreamStatusView;
import dev.companion.chat.service.AnswerStreamer.AnswerJob;
import dev.companion.chat.service.LiveStreams.LiveStream;
import dev.companion.common.api.ApiException;
import dev.companion.common.api.ErrorResponse.Timestamps;
import dev.companion.common.api.PageRequest;
import dev.companion.common.api.Pagination;
import dev.companion.common.id.Ids;
import dev.companion.common.web.RequestIds;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prompts and answers of a chat: send, list, regenerate, cancel, stream status. */
@ApplicationScoped
public class MessageService {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");

    private final ChatRepository chats;
    private final MessageRepository messages;
    private final ChatEventPublisher events;
    private final ChatMapper mapper;
    private final AnswerStreamer streamer;
    private final LiveStreams live;
    private final ChatConfig config;
    @jakarta.inject.Inject
    PromptPreparer preparer;

    public MessageService(ChatRepository chats, MessageRepository messages, ChatEventPublisher events, ChatMapper mapper,
                          AnswerStreamer streamer, LiveStreams live, ChatConfig config) {
        this.chats = chats;
        this.messages = messages;
        this.events = events;
        this.mapper = mapper;
        this.streamer = streamer;
        this.live = live;
        this.config = config;
    }

    /** A prompt and the (still empty) answer that will stream for it, both stored. */
    public record Turn(Message prompt, Message answer, AnswerJob job) {
    }

    @WithSession
    public Uni<MessagePage> list(String userId, String chatId, PageRequest page) {
        return chats.findOwned(chatId, userId).onItem().ifNull().failWith(() -> ApiException.notFound("chat", chatId))
                .flatMap(chat -> messages.countOfChat(chatId)
                        .flatMap(total -> messages.pageOfChat(chatId, Page.of(page.page() - 1, page.limit()))
                                .map(list -> new MessagePage(list.stream().map(this::withLiveContent).map(mapper::toView).toList(),
                                        Pagination.of(page, total)))));
    }

    @WithSession
    public Uni<MessageView> get(String userId, String chatId, String messageId) {
        return chats.findOwned(chatId, userId).onItem().ifNull().failWith(() -> ApiException.notFound("chat", chatId))
                .flatMap(chat -> messages.findInChat(chatId, messageId))
                .onItem().ifNull().failWith(() -> ApiException.notFound("message", messageId))
                .map(m -> mapper.toView(withLiveContent(m)));
    }

    /**
     * Stores the prompt (placeholders filled) and an empty answer, then streams the answer in the
     * background. {@code stream} is called with the live answer before it starts (for SSE).
     */
    public Uni<Turn> send(String userId, String chatId, SendMessageRequest request, java.util.function.Consumer<LiveStream> beforeStart) {
        return send(userId, chatId, request, beforeStart, null);
    }

    /** {@code client}: seed 003's client-chosen id and timeout ({@link ClientSend}); null for neither. */
    Uni<Turn> send(String userId, String chatId, SendMessageRequest request, java.util.function.Consumer<LiveStream> beforeStart,
                   ClientSend.ClientKey client) {
        Duration timeout = client == null || client.timeout() == null ? config.streaming().answerTimeout() : client.timeout();
        checkAttachments(request);
        String requestId = RequestIds.current();
        // template expansion and attachment checks (PromptPreparer) come before the transaction
        return preparer.prepare(userId, chatId, request).flatMap(prepared -> Panache.withTransaction(() -> lockChat(chatId, userId)
                        .call(chat -> checkConcurrency(userId, false, 1))
                        .flatMap(chat -> parentOf(chat, request.parentId())
                                .flatMap(parent -> startTurn(chat, prepared.content(), parent, prepared.attachmentsJson(),
                                        request.metadata() == null ? null : mapper.write(request.metadata()),
                                        null, requestId, timeout))
                                .invoke(turn -> ClientSend.stamp(turn.prompt(), client)))
                        .call(turn -> preparer.store(turn.prompt(), prepared))))
                .invoke(turn -> {
                    LiveStream stream = streamer.prepare(turn.job());
                    if (beforeStart != null) {
                        beforeStart.accept(stream);
                    }
                    streamer.start(turn.job(), stream);
                });
    }

    /** The parent a new prompt goes under: the one asked for (it must be in the chat), else the current leaf. */
    Uni<String> parentOf(Chat chat, String parentId) {
        return parentId == null ? Uni.createFrom().item(chat.currentLeafId)
                : messages.findInChat(chat.id, parentId).onItem().ifNull()
                .failWith(() -> ApiException.validation("parentId", "exists", null, "parentId is not a message of this chat"))
                .map(m -> m.id);
    }

    /**
     * Inside a transaction with the chat locked: the prompt goes under {@code parentMessageId}, the answer
     * under the prompt, and the answer becomes the new leaf.
     */
    Uni<Turn> startTurn(Chat chat, String content, String parentMessageId, String attachments, String metadata, String batchId,
                        String requestId, Duration timeout) {
        {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            Message prompt = newMessage(chat, Message.ROLE_USER, content, MessageStatus.SENDING, parentMessageId, now);
            prompt.attachments = attachments;
            prompt.metadata = metadata;
            prompt.batchId = batchId;
            Message answer = newMessage(chat, Message.ROLE_ASSISTANT, "", MessageStatus.STREAMING, prompt.id, now.plusNanos(1000));
            answer.model = chat.model;
            answer.batchId = batchId;
            chat.currentLeafId = answer.id;
            chat.messageCount += 2;
            chat.updatedAt = now;
            AnswerJob job = new AnswerJob(chat.id, chat.userId, prompt.id, answer.id, chat.model, requestId, timeout);
            return messages.persist(prompt)
                    .flatMap(x -> messages.persist(answer))
                    .flatMap(x -> events.messageCreated(chat, prompt))
                    .flatMap(x -> events.messageCreated(chat, answer))
                    .flatMap(x -> events.chatChanged("chat.updated", chat))
                    .replaceWith(new Turn(prompt, answer, job));
        }
    }

    /** A new answer to the same prompt, as a sibling of {@code messageId}; it becomes the current branch. */
    public Uni<MessageView> regenerate(String userId, String chatId, String messageId) {
        String requestId = RequestIds.current();
        return Panache.withTransaction(() -> lockChat(chatId, userId).call(chat -> checkConcurrency(userId, false, 1))
                        .flatMap(chat -> messages.findInChat(chatId, messageId)
                        .flatMap(old -> {
                            if (old == null) {
                                return Uni.createFrom().failure(ApiException.notFound("message", messageId));
                            }
                            if (!Message.ROLE_ASSISTANT.equals(old.role)) {
                                return Uni.createFrom().failure(ApiException.validation("messageId", "assistantMessage", null,
                                        "only an answer can be regenerated"));
                            }
                            if (MessageStatus.STREAMING.equals(old.status)) {
                                return Uni.createFrom().failure(ApiException.conflict("the answer is still streaming"));
                            }
                            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                            Message answer = newMessage(chat, Message.ROLE_ASSISTANT, "", MessageStatus.STREAMING, old.parentId, now);
                            answer.model = chat.model;
                            chat.currentLeafId = answer.id;
                            chat.messageCount += 1;
                            chat.updatedAt = now;
                            AnswerJob job = new AnswerJob(chat.id, chat.userId, old.parentId, answer.id, chat.model, requestId,
                                    config.streaming().answerTimeout());
                            return messages.persist(answer)
                                    .flatMap(x -> events.messageCreated(chat, answer))
                                    .flatMap(x -> events.chatChanged("chat.updated", chat))
                                    .replaceWith(new Turn(null, answer, job));
                        })))
                .invoke(turn -> streamer.start(turn.job(), streamer.prepare(turn.job())))
                .map(turn -> mapper.toView(turn.answer()));
    }

    /** Stops a streaming answer: the provider stream is closed and the answer ends {@code cancelled}. */
    public Uni<MessageView> cancel(String userId, String chatId, String messageId) {
        return Panache.withSession(() -> chats.findOwned(chatId, userId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("chat", chatId))
                .flatMap(chat -> messages.findInChat(chatId, messageId))
                .onItem().ifNull().failWith(() -> ApiException.notFound("message", messageId))
                .flatMap(m -> {
                    if (!MessageStatus.STREAMING.equals(m.status)) {
                        return Uni.createFrom().failure(ApiException.conflict("the message is not streaming (" + m.status + ")"));
                    }
                    var stream = live.get(messageId);
                    if (stream.isPresent()) {
                        stream.get().stop("cancelled");
                        // the pipeline stores the outcome; answer with what the client will see
                        Message view = copyOf(m);
                        view.status = MessageStatus.CANCELLED;
                        view.content = stream.get().content();
                        view.errorCode = "cancelled";
                        view.errorMessage = "The answer was cancelled";
                        return Uni.createFrom().item(mapper.toView(view));
                    }
                    // streamed by a process that is gone (or another replica): end it here
                    return Panache.withTransaction(() -> {
                        m.status = MessageStatus.CANCELLED;
                        m.errorCode = "cancelled";
                        m.errorMessage = "The answer was cancelled";
                        m.updatedAt = Instant.now();
                        return events.messageError(m, "cancelled", m.errorMessage).replaceWith(() -> mapper.toView(m));
                    });
                }));
    }

    @WithSession
    public Uni<StreamStatusView> streamStatus(String userId, String chatId) {
        return chats.findOwned(chatId, userId).onItem().ifNull().failWith(() -> ApiException.notFound("chat", chatId))
                .flatMap(chat -> {
                    var stream = live.ofChat(chatId);
                    if (stream.isPresent()) {
                        LiveStream s = stream.get();
                        // read content and index together so they match
                        synchronized (s) {
                            return Uni.createFrom().item(new StreamStatusView(true, chatId, s.messageId, s.model,
                                    Timestamps.format(s.startedAt), s.content(), s.lastIndex()));
                        }
                    }
                    return messages.find("chatId = ?1 and status = ?2 order by createdAt desc", chatId, MessageStatus.STREAMING)
                            .firstResult()
                            .map(m -> m == null ? new StreamStatusView(false, chatId, null, null, null, null, null)
                                    : new StreamStatusView(true, chatId, m.id, m.model, Timestamps.format(m.createdAt), m.content, null));
                });
    }

    /** A streaming answer shows what has arrived so far (a copy: the stored row is written when it ends). */
    private Message withLiveContent(Message m) {
        if (!MessageStatus.STREAMING.equals(m.status)) {
            return m;
        }
        return live.get(m.id).map(s -> {
            Message c = copyOf(m);
            c.content = s.content();
            return c;
        }).orElse(m);
    }

    Uni<Chat> lockChat(String chatId, String userId) {
        return chats.findOwnedForUpdate(chatId, userId).onItem().ifNull().failWith(() -> ApiException.notFound("chat", chatId));
    }

    /**
     * Within the user's budget of answers streaming at once ({@code ofBatches}: batch items, of which
     * {@code starting} are about to start); else 429 {@code RATE_LIMIT} with {@code Retry-After}. Runs
     * in the caller's transaction under a per-user lock, so two sends cannot both take the last slot.
     */
    Uni<Void> checkConcurrency(String userId, boolean ofBatches, int starting) {
        int max = ofBatches ? config.limits().maxConcurrentBatchItems() : config.limits().maxConcurrentAnswers();
        int retryAfter = (int) Math.max(1, config.limits().busyRetryAfter().toSeconds());
        if (starting > max) {
            return Uni.createFrom().failure(ApiException.tooMany("maxConcurrentBatchItems", max, 0,
                    "A parallel batch of " + starting + " prompts is more than the " + max + " batch items a user may run at once", retryAfter));
        }
        return messages.lockUser(userId).flatMap(x -> messages.countStreamingOfUser(userId, ofBatches)).flatMap(active -> {
            if (active + starting > max) {
                return Uni.createFrom().failure(ofBatches
                        ? ApiException.tooMany("maxConcurrentBatchItems", max, active,
                                "Too many batch prompts are being answered (at most " + max + " at once); wait for some to finish", retryAfter)
                        : ApiException.tooMany("maxConcurrentAnswers", max, active,
                                "Too many answers are streaming (at most " + max + " at once); wait for one to finish", retryAfter));
            }
            return Uni.createFrom().voidItem();
        });
    }

    /** At most 10 attachments (bean validation) and {@code max-attachment-bytes} of JSON between them. */
    void checkAttachments(SendMessageRequest request) {
        if (request.attachments() == null || request.attachments().isEmpty()) {
            return;
        }
        int max = config.limits().maxAttachmentBytes();
        long bytes = mapper.write(request.attachments()).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > max) {
            throw ApiException.validation("attachments", "maxBytes", max,
                    "attachments are " + bytes + " bytes of JSON; at most " + max + " are accepted");
        }
    }

    /**
     * {@code {{name}}} → {@code metadata.variables.name}; an unknown name is left as written. The result
     * may be at most {@code maxLength} characters: it is refused as soon as it grows past that, so a
     * small body cannot expand into gigabytes.
     */
    static String fill(String content, MessageMetadata metadata, int maxLength, String field) {
        Map<String, String> vars = metadata == null || metadata.variables() == null ? Map.of() : metadata.variables();
        return fill(content, vars, maxLength, field);
    }

    static String fill(String content, Map<String, String> vars, int maxLength, String field) {
        if (vars.isEmpty()) {
            if (content.length() > maxLength) {
                throw expandedTooLong(field, maxLength);
            }
            return content;
        }
        Matcher m = PLACEHOLDER.matcher(content);
        StringBuilder out = new StringBuilder();
        int copied = 0;
        while (m.find()) {
            String value = vars.get(m.group(1));
            String replacement = value == null ? m.group() : value;
            if ((long) out.length() + (m.start() - copied) + replacement.length() > maxLength) {
                throw expandedTooLong(field, maxLength);
            }
            out.append(content, copied, m.start()).append(replacement);
            copied = m.end();
        }
        if ((long) out.length() + (content.length() - copied) > maxLength) {
            throw expandedTooLong(field, maxLength);
        }
        out.append(content, copied, content.length());
        return out.toString();
    }

    static ApiException expandedTooLong(String field, int maxLength) {
        return ApiException.validation(field, "maxExpandedLength", maxLength,
                field + " with its {{variables}} filled would be longer than " + maxLength + " characters");
    }

    private static Message newMessage(Chat chat, String role, String content, String status, String parentId, Instant at) {
        Message m = new Message();
        m.id = Ids.newId("msg");
        m.chatId = chat.id;
        m.userId = chat.userId;
        m.role = role;
        m.content = content;
        m.status = status;
        m.parentId = parentId;
        m.createdAt = at;
        m.updatedAt = at;
        return m;
    }

    private static Message copyOf(Message m) {
        Message c = new Message();
        c.id = m.id;
        c.chatId = m.chatId;
        c.userId = m.userId;
        c.parentId = m.parentId;
        c.role = m.role;
        c.content = m.content;
        c.status = m.status;
        c.model = m.model;
        c.createdAt = m.createdAt;
        c.updatedAt = m.updatedAt;
        return c;
    }
}
