package dev.companion.chat.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.chat.config.ChatConfig;
import dev.companion.chat.config.ConversationsConfig;
import dev.companion.chat.mapping.ChatMapper;
import dev.companion.chat.model.Message;
import dev.companion.chat.model.MessageStatus;
import dev.companion.chat.repository.MessageRepository;
import dev.companion.chat.rest.dto.MessageView;
import dev.companion.chat.rest.dto.SendMessageRequest;
import dev.companion.chat.service.LiveStreams.LiveStream;
import dev.companion.chat.service.MessageService.Turn;
import dev.companion.common.api.ApiException;
import dev.companion.common.api.ErrorCode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Seed 003's client contract on top of {@link MessageService#send}:
 * <ul>
 *   <li>{@code messageId}: the client names its prompt. The same id again with the same request (chat,
 *   content, attachments, metadata, parentId) creates nothing and answers the same turn; the same id with
 *   a different request is 409 {@code CONFLICT}. Unique per user (index {@code message_client_id}), so
 *   two concurrent sends of one id create one prompt: the loser of the insert answers as a retry.</li>
 *   <li>{@code timeoutMs}: the answer's own time limit (it then ends with error code {@code timeout}).</li>
 *   <li>{@code ?wait=true}: the call answers with the finished assistant message; the wait is bounded by
 *   {@code companion.conversations.max-wait}, which is also the answer's timeout when none is sent; an
 *   answer that timed out is 504 {@code GATEWAY_TIMEOUT} naming the message.</li>
 * </ul>
 */
@ApplicationScoped
public class ClientSend {

    /** The client's id for the prompt, the fingerprint of its request, and the answer's time limit. */
    public record ClientKey(String messageId, String requestHash, Duration timeout) {
    }

    private final MessageService messages;
    private final MessageRepository repository;
    private final LiveStreams live;
    private final ChatMapper mapper;
    private final ObjectMapper json;
    private final ChatConfig chatConfig;
    private final ConversationsConfig config;

    public ClientSend(MessageService messages, MessageRepository repository, LiveStreams live, ChatMapper mapper, ObjectMapper json,
                      ChatConfig chatConfig, ConversationsConfig config) {
        this.messages = messages;
        this.repository = repository;
        this.live = live;
        this.mapper = mapper;
        this.json = json;
        this.chatConfig = chatConfig;
        this.config = config;
    }

    /** {@code ?wait=}: absent or false = answer at once; true = wait for the answer; anything else is refused. */
    public static boolean waitParam(String wait) {
        if (wait == null || wait.equalsIgnoreCase("false")) {
            return false;
        }
        if (wait.equalsIgnoreCase("true")) {
            return true;
        }
        throw ApiException.validation("wait", "oneOf", java.util.List.of("true", "false"), "wait must be true or false");
    }

    /** Called by {@link MessageService#send} inside its transaction: the prompt carries the client's id. */
    static void stamp(Message prompt, ClientKey client) {
        if (client != null && client.messageId() != null) {
            prompt.clientMessageId = client.messageId();
            prompt.clientRequestHash = client.requestHash();
        }
    }

    /**
     * Sends (or, for a known {@code messageId}, finds the earlier send). {@code beforeStart} sees the live
     * answer before it streams; for a retry, the answer if it is still streaming in this process.
     */
    public Uni<Turn> send(String userId, String chatId, SendMessageRequest request, boolean wait, Consumer<LiveStream> beforeStart) {
        ClientKey key = key(chatId, request, wait);
        if (request.messageId() == null) {
            return messages.send(userId, chatId, request, beforeStart, key);
        }
        return Panache.withSession(() -> earlier(userId, request.messageId()))
                .flatMap(found -> found != null ? replay(found, chatId, key, beforeStart)
                        : messages.send(userId, chatId, request, beforeStart, key)
                        .onFailure(ClientSend::duplicateId).recoverWithUni(t -> Panache.withSession(() -> earlier(userId, request.messageId()))
                                .flatMap(raced -> replay(raced, chatId, key, beforeStart))));
    }

    /**
     * {@code ?wait=true}: sends, then waits for the answer to end and answers with it as stored.
     */
    public Uni<MessageView> sendAndWait(String userId, String chatId, SendMessageRequest request) {
        AtomicReference<Turn> turn = new AtomicReference<>();
        Duration bound = key(chatId, request, true).timeout();
        return Multi.createFrom().<String>emitter(em -> send(userId, chatId, request, true, stream -> {
                    stream.listen(em);
                    if (live.get(stream.messageId).isEmpty()) {
                        em.complete(); // ended before we listened
                    }
                }).subscribe().with(t -> {
                    turn.set(t);
                    if (!MessageStatus.STREAMING.equals(t.answer().status) || live.get(t.answer().id).isEmpty()) {
                        em.complete(); // a retry of an answer that already ended (or streams elsewhere)
                    }
                }, em::fail))
                .collect().last()
                // the answer's own timer ends it first; this only guards against a stream that never reports
                .ifNoItem().after(bound.plusSeconds(5)).recoverWithItem((String) null)
                .flatMap(last -> messages.get(userId, chatId, turn.get().answer().id))
                .map(answer -> {
                    if (answer.error() != null && "timeout".equals(answer.error().code())) {
                        Map<String, Object> d = new LinkedHashMap<>();
                        d.put("field", "timeoutMs");
                        d.put("value", bound.toMillis());
                        d.put("messageId", answer.id());
                        throw new ApiException(ErrorCode.GATEWAY_TIMEOUT, "The answer took longer than " + bound.toMillis() + " ms", d);
                    }
                    return answer;
                });
    }

    private ClientKey key(String chatId, SendMessageRequest request, boolean wait) {
        long maxWait = config.maxWait().toMillis();
        Duration timeout = request.timeoutMs() == null ? null : Duration.ofMillis(request.timeoutMs());
        if (wait) {
            if (request.timeoutMs() != null && request.timeoutMs() > maxWait) {
                throw ApiException.validation("timeoutMs", "max", maxWait,
                        "with wait=true, timeoutMs must be at most " + maxWait + " (the longest a call waits)");
            }
            if (timeout == null) {
                Duration answer = chatConfig.streaming().answerTimeout();
                timeout = answer.compareTo(config.maxWait()) < 0 ? answer : config.maxWait();
            }
        }
        String hash = request.messageId() == null ? null : fingerprint(chatId, request);
        return new ClientKey(request.messageId(), hash, timeout);
    }

    private Uni<Message> earlier(String userId, String messageId) {
        return repository.find("userId = ?1 and clientMessageId = ?2", userId, messageId).firstResult();
    }

    private Uni<Turn> replay(Message prompt, String chatId, ClientKey key, Consumer<LiveStream> beforeStart) {
        if (prompt == null) {
            return Uni.createFrom().failure(ApiException.conflict("messageId " + key.messageId() + " is being used by another send"));
        }
        if (!prompt.chatId.equals(chatId) || !key.requestHash().equals(prompt.clientRequestHash)) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("field", "messageId");
            d.put("constraint", "unique");
            d.put("messageId", prompt.id);
            return Uni.createFrom().failure(new ApiException(ErrorCode.CONFLICT,
                    "messageId " + key.messageId() + " was already used for a different message", d));
        }
        return Panache.withSession(() -> repository
                        .find("chatId = ?1 and parentId = ?2 and role = ?3 order by createdAt, id", chatId, prompt.id, Message.ROLE_ASSISTANT)
                        .firstResult())
                .map(answer -> {
                    if (beforeStart != null && answer != null) {
                        live.get(answer.id).ifPresent(beforeStart);
                    }
                    return new Turn(prompt, answer, null);
                });
    }

    /** Two sends of one id raced: the insert of the later one hit the unique index. */
    static boolean duplicateId(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains("message_client_id")) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    /** What makes two sends the same send: the chat and everything the prompt is made of. */
    private String fingerprint(String chatId, SendMessageRequest r) {
        try {
            byte[] body = json.writeValueAsBytes(Arrays.asList(chatId, r.content(), r.attachments(), r.metadata(), r.parentId()));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
