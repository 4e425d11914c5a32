package dev.companion.chat.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.companion.chat.client.ProviderEvent;
import dev.companion.chat.client.ProviderException;
import dev.companion.chat.client.ProviderRequest.PromptMessage;
import dev.companion.chat.client.ProviderRouter;
import dev.companion.chat.config.ChatConfig.ModelConfig;
import dev.companion.events.MessageChunk;
import dev.companion.chat.events.ChatEventPublisher;
import dev.companion.chat.events.ChunkPublisher;
import dev.companion.chat.model.Chat;
import dev.companion.chat.model.ChatSettings;
import dev.companion.chat.model.Message;
import dev.companion.chat.model.MessageStatus;
import dev.companion.chat.repository.ChatRepository;
import dev.companion.chat.repository.InstructionRefRepository;
import dev.companion.chat.repository.MessageRepository;
import dev.companion.chat.service.LiveStreams.LiveStream;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The answer pipeline: builds the prompt (system message, effective instructions, history cut to the
 * context budget), streams it from the model's provider, publishes every delta as {@code message.chunk}
 * straight to Kafka (and to SSE listeners), then stores the answer and publishes {@code message.complete}
 * or {@code message.error} through the outbox, after the last chunk was acknowledged so the order holds.
 */
@ApplicationScoped
public class AnswerStreamer {

    private static final Logger LOG = Logger.getLogger(AnswerStreamer.class);

    /** Everything needed to answer one prompt, independent of the request that asked for it. */
    public record AnswerJob(String chatId, String userId, String promptMessageId, String answerMessageId, String model,
                            String requestId, Duration timeout) {
    }

    /** How an answer ended. {@code status} is the stored message status. */
    public record Outcome(String messageId, String status, String content, String errorCode, String errorMessage,
                          Integer promptTokens, Integer completionTokens) {
        public boolean ok() {
            return MessageStatus.COMPLETE.equals(status);
        }
    }

    private record Prompt(List<PromptMessage> messages, ChatSettings settings) {
    }

    private record StreamResult(Prompt prompt, Integer promptTokens, Integer completionTokens, Throwable failure, String stopReason) {
    }

    private final ProviderRouter router;
    private final PromptBuilder prompts;
    private final TokenCounter tokens;
    private final ChatRepository chats;
    private final MessageRepository messages;
    private final InstructionRefRepository instructions;
    private final ChunkPublisher chunks;
    private final ChatEventPublisher events;
    private final LiveStreams live;
    private final BackgroundWork background;
    private final Vertx vertx;
    private final ObjectMapper mapper;
    @jakarta.inject.Inject
    MemoryService memories;
    @jakarta.inject.Inject
    AttachmentService attachments;

    public AnswerStreamer(ProviderRouter router, PromptBuilder prompts, TokenCounter tokens, ChatRepository chats,
                          MessageRepository messages, InstructionRefRepository instructions, ChunkPublisher chunks,
                          ChatEventPublisher events, LiveStreams live, BackgroundWork background, Vertx vertx, ObjectMapper mapper) {
        this.router = router;
        this.prompts = prompts;
        this.tokens = tokens;
        this.chats = chats;
        this.messages = messages;
        this.instructions = instructions;
        this.chunks = chunks;
        this.events = events;
        this.live = live;
        this.background = background;
        this.vertx = vertx;
        this.mapper = mapper;
    }

    /** Registers the answer as live (so SSE listeners and stream-status see it) before it starts. */
    public LiveStream prepare(AnswerJob job) {
        return live.open(job.chatId(), job.answerMessageId(), job.model());
    }

    /** Runs the whole answer; never fails: every failure ends as a stored, published error outcome. */
    public Uni<Outcome> run(AnswerJob job, LiveStream stream) {
        return background.run(job.requestId(), () -> Panache.withSession(() -> loadPrompt(job)))
                .flatMap(prompt -> stream(job, stream, prompt))
                .onFailure().recoverWithItem(t -> new StreamResult(null, null, null, t, null))
                .flatMap(result -> background.run(job.requestId(), () -> Panache.withTransaction(() -> finish(job, stream, result))))
                .onFailure().recoverWithItem(t -> {
                    LOG.errorf(t, "could not store the answer %s", job.answerMessageId());
                    return new Outcome(job.answerMessageId(), MessageStatus.ERROR, stream.content(), "server_error", "The answer could not be stored",
                            null, null);
                })
                .invoke(outcome -> {
                    stream.broadcast(sseFinal(job, stream, outcome));
                    live.close(job.answerMessageId());
                    stream.endListeners();
                });
    }

    /** Starts {@link #run} in the background (the HTTP answer does not wait for it). */
    public void start(AnswerJob job, LiveStream stream) {
        run(job, stream).subscribe().with(o -> LOG.debugf("answer %s ended %s", o.messageId(), o.status()));
    }

    private Uni<Prompt> loadPrompt(AnswerJob job) {
        return chats.findById(job.chatId()).flatMap(chat -> {
            if (chat == null) {
                return Uni.createFrom().failure(ProviderException.providerError("the chat was deleted", true));
            }
            ModelConfig model = router.model(job.model());
            String providerModel = model.providerModel().orElse(job.model());
            return instructions.applicableTo(chat.userId, chat.projectId, chat.id)
                    .flatMap(sets -> memories.forPrompt(chat.userId, providerModel)
                    .flatMap(remembered -> messages.allOfChat(chat.id).flatMap(all -> {
                        List<Message> chain = chain(all, job.promptMessageId());
                        List<String> prompted = chain.stream().filter(m -> m.attachments != null).map(m -> m.id).toList();
                        return attachments.partsOf(prompted, model.vision()).map(parts -> {
                            ChatSettings settings = settings(chat);
                            int reserve = settings.maxTokens() != null ? Math.min(settings.maxTokens(), model.maxOutputTokens())
                                    : model.maxOutputTokens();
                            return new Prompt(prompts.build(providerModel, model, reserve, chat, sets, chain, remembered, parts), settings);
                        });
                    })));
        });
    }

    /** The messages from the root down to {@code leafId}, in order. */
    static List<Message> chain(List<Message> all, String leafId) {
        Map<String, Message> byId = new HashMap<>();
        for (Message m : all) {
            byId.put(m.id, m);
        }
        List<Message> reversed = new ArrayList<>();
        Message cur = byId.get(leafId);
        while (cur != null && reversed.size() <= all.size()) {
            reversed.add(cur);
            cur = cur.parentId == null ? null : byId.get(cur.parentId);
        }
        List<Message> chain = new ArrayList<>(reversed.size());
        for (int i = reversed.size() - 1; i >= 0; i--) {
            chain.add(reversed.get(i));
        }
        return chain;
    }

    private Uni<StreamResult> stream(AnswerJob job, LiveStream stream, Prompt prompt) {
        AtomicReference<Uni<Void>> lastAck = new AtomicReference<>(Uni.createFrom().voidItem());
        return Uni.createFrom().<StreamResult>emitter(em -> {
            AtomicReference<ProviderEvent.Usage> usage = new AtomicReference<>();
            long timer = vertx.setTimer(Math.max(1, job.timeout().toMillis()), id -> stream.stop("timeout"));
            Runnable onStopped = () -> em.complete(new StreamResult(prompt, null, null, null, stream.stopReason()));
            Cancellable upstream = router.stream(job.model(), job.userId(), prompt.messages(), prompt.settings())
                    .subscribe().with(
                            event -> {
                                if (event instanceof ProviderEvent.Delta d) {
                                    int index = stream.append(d.text());
                                    MessageChunk chunk = new MessageChunk(job.chatId(), job.answerMessageId(), d.text(), index);
                                    lastAck.set(chunks.send(job.userId(), job.requestId(), chunk).memoize().indefinitely());
                                    stream.broadcast(sse("message.chunk", chunk));
                                } else if (event instanceof ProviderEvent.Usage u) {
                                    usage.set(u);
                                }
                            },
                            failure -> {
                                vertx.cancelTimer(timer);
                                em.complete(new StreamResult(prompt, null, null, failure, null));
                            },
                            () -> {
                                vertx.cancelTimer(timer);
                                ProviderEvent.Usage u = usage.get();
                                em.complete(new StreamResult(prompt, u == null ? null : u.promptTokens(),
                                        u == null ? null : u.completionTokens(), null, null));
                            });
            stream.upstream(upstream, () -> {
                vertx.cancelTimer(timer);
                onStopped.run();
            });
        })
                // the last chunk's acknowledgement implies all earlier ones (one idempotent producer, one partition),
                // so message.complete, written after it, cannot overtake a chunk
                .flatMap(result -> lastAck.get().ifNoItem().after(Duration.ofSeconds(15)).fail()
                        .onFailure().invoke(t -> LOG.warnf("chunks of %s not acknowledged: %s", job.answerMessageId(), t.getMessage()))
                        .onFailure().recoverWithNull()
                        .replaceWith(result));
    }

    private Uni<Outcome> finish(AnswerJob job, LiveStream stream, StreamResult result) {
        return messages.findById(job.answerMessageId()).flatMap(answer -> {
            if (answer == null) {
                return Uni.createFrom().item(new Outcome(job.answerMessageId(), MessageStatus.ERROR, stream.content(),
                        "not_found", "The chat was deleted", null, null));
            }
            if (!MessageStatus.STREAMING.equals(answer.status)) {
                // ended elsewhere (cancelled through another replica, or swept): keep that outcome
                return Uni.createFrom().item(outcome(answer));
            }
            Instant now = Instant.now();
            answer.content = stream.content();
            answer.updatedAt = now;
            Uni<Void> event;
            if (result.failure() == null && result.stopReason() == null) {
                int promptTokens = result.promptTokens() != null ? result.promptTokens()
                        : tokens.count(job.model(), result.prompt().messages());
                int completionTokens = result.completionTokens() != null ? result.completionTokens()
                        : tokens.count(job.model(), answer.content);
                answer.status = MessageStatus.COMPLETE;
                answer.promptTokens = promptTokens;
                answer.completionTokens = completionTokens;
                event = events.messageComplete(answer, promptTokens, completionTokens);
            } else {
                String code;
                String message;
                if ("cancelled".equals(result.stopReason())) {
                    answer.status = MessageStatus.CANCELLED;
                    code = "cancelled";
                    message = "The answer was cancelled";
                } else if ("timeout".equals(result.stopReason())) {
                    answer.status = MessageStatus.ERROR;
                    code = "timeout";
                    message = "The answer took longer than " + job.timeout().toMillis() + " ms";
                } else if (result.failure() instanceof ProviderException pe) {
                    answer.status = MessageStatus.ERROR;
                    code = pe.code();
                    message = pe.getMessage();
                } else {
                    LOG.errorf(result.failure(), "answer %s failed", job.answerMessageId());
                    answer.status = MessageStatus.ERROR;
                    code = "provider_error";
                    message = "The answer failed";
                }
                answer.errorCode = code;
                answer.errorMessage = message;
                event = events.messageError(answer, code, message);
            }
            return event
                    .flatMap(x -> messages.findById(job.promptMessageId()))
                    .invoke(prompt -> {
                        if (prompt != null && MessageStatus.SENDING.equals(prompt.status)) {
                            prompt.status = MessageStatus.SENT;
                            prompt.updatedAt = now;
                        }
                    })
                    .flatMap(x -> chats.findById(job.chatId()))
                    .invoke(chat -> {
                        if (chat != null) {
                            chat.updatedAt = now;
                        }
                    })
                    .replaceWith(() -> outcome(answer));
        });
    }

    private static Outcome outcome(Message m) {
        return new Outcome(m.id, m.status, m.content, m.errorCode, m.errorMessage, m.promptTokens, m.completionTokens);
    }

    private ChatSettings settings(Chat chat) {
        try {
            return mapper.readValue(chat.settings, ChatSettings.class);
        } catch (Exception e) {
            return ChatSettings.defaults();
        }
    }

    private String sse(String type, Object payload) {
        ObjectNode node = mapper.createObjectNode().put("type", type);
        node.setAll((ObjectNode) mapper.valueToTree(payload));
        return node.toString();
    }

    private String sseFinal(AnswerJob job, LiveStream stream, Outcome outcome) {
        if (outcome.ok()) {
            int p = outcome.promptTokens() == null ? 0 : outcome.promptTokens();
            int c = outcome.completionTokens() == null ? 0 : outcome.completionTokens();
            return sse("message.complete", Map.of("chatId", job.chatId(), "messageId", outcome.messageId(),
                    "fullContent", outcome.content(), "usage", Map.of("promptTokens", p, "completionTokens", c, "totalTokens", p + c)));
        }
        return sse("message.error", Map.of("chatId", job.chatId(), "messageId", outcome.messageId(),
                "error", Map.of("code", outcome.errorCode() == null ? "provider_error" : outcome.errorCode(),
                        "message", outcome.errorMessage() == null ? "" : outcome.errorMessage())));
    }
}
