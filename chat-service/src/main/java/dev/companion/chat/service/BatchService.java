package dev.companion.chat.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.chat.config.ChatConfig;
import dev.companion.events.BatchComplete;
import dev.companion.events.BatchItemOutcome;
import dev.companion.events.ErrorInfo;
import dev.companion.chat.events.ChatEventPublisher;
import dev.companion.chat.mapping.ChatMapper;
import dev.companion.chat.model.Batch;
import dev.companion.chat.model.Chat;
import dev.companion.chat.model.MessageStatus;
import dev.companion.chat.repository.BatchRepository;
import dev.companion.chat.repository.ChatRepository;
import dev.companion.chat.rest.dto.BatchRequest;
import dev.companion.chat.rest.dto.BatchView;
import dev.companion.chat.rest.dto.BatchView.Item;
import dev.companion.chat.rest.dto.MessageView;
import dev.companion.chat.service.AnswerStreamer.Outcome;
import dev.companion.chat.service.MessageService.Turn;
import dev.companion.common.api.ApiException;
import dev.companion.common.api.ErrorResponse.Timestamps;
import dev.companion.common.id.Ids;
import dev.companion.common.web.RequestIds;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Batches of prompts (seed "Batch Prompts"): {@code sequential} (each prompt after the previous answer, one
 * thread of conversation), {@code parallel} (all at once, each from the same parent), {@code chained} (like
 * sequential, and {@code {{previous}}} in a prompt is the previous answer). A failed item stops the rest
 * unless {@code continueOnError}; each prompt has its own timeout. Ends with {@code batch.complete}.
 */
@ApplicationScoped
public class BatchService {

    private static final Logger LOG = Logger.getLogger(BatchService.class);
    private static final TypeReference<List<Item>> ITEMS = new TypeReference<>() {
    };

    private final ChatRepository chats;
    private final BatchRepository batches;
    private final MessageService messages;
    private final AnswerStreamer streamer;
    private final LiveStreams live;
    private final ChatEventPublisher events;
    private final ChatMapper chatMapper;
    private final BackgroundWork background;
    private final ObjectMapper mapper;
    private final ChatConfig config;

    public BatchService(ChatRepository chats, BatchRepository batches, MessageService messages, AnswerStreamer streamer,
                        LiveStreams live, ChatEventPublisher events, ChatMapper chatMapper, BackgroundWork background,
                        ObjectMapper mapper, ChatConfig config) {
        this.chats = chats;
        this.batches = batches;
        this.messages = messages;
        this.streamer = streamer;
        this.live = live;
        this.events = events;
        this.chatMapper = chatMapper;
        this.background = background;
        this.mapper = mapper;
        this.config = config;
    }

    private record Plan(String batchId, String chatId, String userId, String mode, boolean continueOnError, Duration timeout,
                        List<BatchRequest.Prompt> prompts, String requestId) {
    }

    /** Creates the batch and its first turn(s) (all of them in parallel mode), then runs it in the background. */
    public Uni<BatchView> start(String userId, String chatId, BatchRequest request) {
        String mode = request.mode() == null ? "sequential" : request.mode();
        boolean continueOnError = request.options() != null && Boolean.TRUE.equals(request.options().continueOnError());
        Duration timeout = request.options() != null && request.options().timeout() != null
                ? Duration.ofMillis(request.options().timeout()) : config.streaming().defaultBatchTimeout();
        Plan plan = new Plan(Ids.newId("batch"), chatId, userId, mode, continueOnError, timeout, request.prompts(), RequestIds.current());
        List<String> firstContents = new ArrayList<>();
        for (int i = 0; i < plan.prompts().size(); i++) {
            // every prompt within the expansion budget before anything is stored ({{previous}} empty for now)
            firstContents.add(content(plan, i, "", "prompts[" + i + "].content"));
        }
        int starting = "parallel".equals(mode) ? plan.prompts().size() : 1;
        return Panache.withTransaction(() -> messages.lockChat(chatId, userId)
                .call(chat -> messages.checkConcurrency(userId, true, starting)).flatMap(chat -> {
                    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    Batch b = new Batch();
                    b.id = plan.batchId();
                    b.chatId = chatId;
                    b.userId = userId;
                    b.mode = mode;
                    b.status = "running";
                    b.continueOnError = continueOnError;
                    b.timeoutMs = timeout.toMillis();
                    b.createdAt = now;
                    List<Item> items = new ArrayList<>();
                    for (int i = 0; i < plan.prompts().size(); i++) {
                        items.add(new Item(i, plan.prompts().get(i).content(), null, null, "pending", null));
                    }
                    b.items = chatMapper.write(items);
                    return batches.persist(b).flatMap(x -> "parallel".equals(mode)
                            ? startAll(plan, chat, items, firstContents) : startOne(plan, chat, 0, firstContents.get(0), items).map(List::of))
                            .flatMap(turns -> {
                                b.items = chatMapper.write(items);
                                return Uni.createFrom().item(new Object[]{b, turns});
                            });
                }))
                .map(pair -> {
                    Batch b = (Batch) pair[0];
                    @SuppressWarnings("unchecked") List<Turn> turns = (List<Turn>) pair[1];
                    if ("parallel".equals(mode)) {
                        runParallel(plan, turns);
                    } else {
                        runSequential(plan, turns.get(0), 0);
                    }
                    List<MessageView> created = turns.stream().map(t -> chatMapper.toView(t.prompt(), t.answer().id)).toList();
                    return view(b, items(b), created);
                });
    }

    @WithSession
    public Uni<BatchView> get(String userId, String chatId, String batchId) {
        return batches.findOwned(chatId, batchId, userId).onItem().ifNull().failWith(() -> ApiException.notFound("batch", batchId))
                .map(b -> view(b, items(b), null));
    }

    /** Parallel: every prompt under the chat's current leaf, all answers at once. */
    private Uni<List<Turn>> startAll(Plan plan, Chat chat, List<Item> items, List<String> contents) {
        String parent = chat.currentLeafId;
        Uni<List<Turn>> chain = Uni.createFrom().item(new ArrayList<>());
        for (int i = 0; i < plan.prompts().size(); i++) {
            int index = i;
            chain = chain.flatMap(list -> messages.startTurn(chat, contents.get(index), parent, null,
                            metadata(plan, index), plan.batchId(), plan.requestId(), plan.timeout())
                    .map(turn -> {
                        items.set(index, items.get(index).withMessages(turn, "running"));
                        list.add(turn);
                        return list;
                    }));
        }
        return chain;
    }

    private Uni<Turn> startOne(Plan plan, Chat chat, int index, String content, List<Item> items) {
        return messages.startTurn(chat, content, chat.currentLeafId, null, metadata(plan, index),
                        plan.batchId(), plan.requestId(), plan.timeout())
                .invoke(turn -> items.set(index, items.get(index).withMessages(turn, "running")));
    }

    private void runParallel(Plan plan, List<Turn> turns) {
        AtomicBoolean stopped = new AtomicBoolean();
        List<Uni<Outcome>> answers = new ArrayList<>();
        for (int i = 0; i < turns.size(); i++) {
            Turn turn = turns.get(i);
            int index = i;
            answers.add(streamer.run(turn.job(), streamer.prepare(turn.job()))
                    .call(outcome -> {
                        if (!outcome.ok() && !plan.continueOnError() && stopped.compareAndSet(false, true)) {
                            // the first failure ends the batch: stop the answers still running
                            turns.forEach(t -> live.get(t.answer().id).ifPresent(s -> s.stop("cancelled")));
                        }
                        return recordOutcome(plan, index, outcome);
                    }));
        }
        Uni.join().all(answers).andCollectFailures()
                .flatMap(all -> finishBatch(plan))
                .subscribe().with(x -> LOG.debugf("batch %s done", plan.batchId()),
                        t -> LOG.errorf(t, "batch %s failed", plan.batchId()));
    }

    /** Sequential and chained: answer item {@code index}, then start the next from the new leaf. */
    private void runSequential(Plan plan, Turn first, int firstIndex) {
        step(plan, first, firstIndex)
                .flatMap(x -> finishBatch(plan))
                .subscribe().with(x -> LOG.debugf("batch %s done", plan.batchId()),
                        t -> LOG.errorf(t, "batch %s failed", plan.batchId()));
    }

    private Uni<Void> step(Plan plan, Turn turn, int index) {
        return streamer.run(turn.job(), streamer.prepare(turn.job()))
                .call(outcome -> recordOutcome(plan, index, outcome))
                .flatMap(outcome -> {
                    int next = index + 1;
                    if (next < plan.prompts().size() && !outcome.ok() && !plan.continueOnError()) {
                        return skipFrom(plan, next);
                    }
                    return startNext(plan, next, outcome.ok() ? outcome.content() : "");
                });
    }

    /**
     * Starts item {@code next} after the previous answer. A chained prompt whose {@code {{previous}}}
     * would take it past the expansion budget fails as {@code content_too_long} without being sent.
     */
    private Uni<Void> startNext(Plan plan, int next, String previous) {
        if (next >= plan.prompts().size()) {
            return Uni.createFrom().voidItem();
        }
        String content;
        try {
            content = content(plan, next, previous, "prompts[" + next + "].content");
        } catch (ApiException tooLong) {
            Outcome failed = new Outcome(null, MessageStatus.ERROR, null, "content_too_long", tooLong.getMessage(), null, null);
            return recordOutcome(plan, next, failed).flatMap(x -> plan.continueOnError()
                    ? startNext(plan, next + 1, "") : skipFrom(plan, next + 1));
        }
        return background.run(plan.requestId(), () -> Panache.withTransaction(() -> messages.lockChat(plan.chatId(), plan.userId())
                        .flatMap(chat -> lockBatch(plan).flatMap(b -> {
                            List<Item> items = items(b);
                            return startOne(plan, chat, next, content, items).invoke(t -> b.items = chatMapper.write(items));
                        }))))
                .flatMap(nextTurn -> step(plan, nextTurn, next));
    }

    private Uni<Void> recordOutcome(Plan plan, int index, Outcome outcome) {
        return background.run(plan.requestId(), () -> Panache.withTransaction(() -> lockBatch(plan).invoke(b -> {
            List<Item> items = items(b);
            Item it = items.get(index);
            items.set(index, new Item(index, it.content(), it.promptMessageId(), it.messageId(), outcome.status(),
                    outcome.ok() ? null : new MessageView.ErrorView(outcome.errorCode(), outcome.errorMessage())));
            b.items = chatMapper.write(items);
        }))).replaceWithVoid();
    }

    private Uni<Void> skipFrom(Plan plan, int from) {
        return background.run(plan.requestId(), () -> Panache.withTransaction(() -> lockBatch(plan).invoke(b -> {
            List<Item> items = items(b);
            for (int i = from; i < items.size(); i++) {
                Item it = items.get(i);
                items.set(i, new Item(i, it.content(), null, null, "skipped",
                        new MessageView.ErrorView("skipped", "an earlier prompt failed and continueOnError is false")));
            }
            b.items = chatMapper.write(items);
        }))).replaceWithVoid();
    }

    private Uni<Void> finishBatch(Plan plan) {
        return background.run(plan.requestId(), () -> Panache.withTransaction(() -> lockBatch(plan).flatMap(b -> {
            List<Item> items = items(b);
            boolean allOk = items.stream().allMatch(i -> MessageStatus.COMPLETE.equals(i.status()));
            boolean stopped = items.stream().anyMatch(i -> "skipped".equals(i.status()))
                    || (!plan.continueOnError() && !allOk);
            b.status = allOk ? "complete" : stopped ? "failed" : "partial";
            b.completedAt = Instant.now();
            List<BatchItemOutcome> outcomes = items.stream().map(i -> new BatchItemOutcome(i.index(), i.messageId(), i.status(),
                    i.error() == null ? null : new ErrorInfo(i.error().code(), i.error().message()))).toList();
            return events.batchComplete(plan.userId(),
                    new BatchComplete(plan.chatId(), plan.batchId(), plan.mode(), outcomes));
        })));
    }

    private Uni<Batch> lockBatch(Plan plan) {
        return batches.find("id", plan.batchId()).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult()
                .onItem().ifNull().failWith(() -> new IllegalStateException("batch " + plan.batchId() + " is gone (chat deleted)"));
    }

    /** The prompt text: chained mode puts the previous answer in {@code {{previous}}}; variables are filled. */
    private String content(Plan plan, int index, String previous, String field) {
        BatchRequest.Prompt p = plan.prompts().get(index);
        Map<String, String> vars = new HashMap<>();
        if (p.metadata() != null && p.metadata().variables() != null) {
            vars.putAll(p.metadata().variables());
        }
        if ("chained".equals(plan.mode())) {
            vars.put("previous", previous == null ? "" : previous);
        }
        return MessageService.fill(p.content(), vars, config.limits().maxExpandedContent(), field);
    }

    private String metadata(Plan plan, int index) {
        BatchRequest.Prompt p = plan.prompts().get(index);
        return p.metadata() == null ? null : chatMapper.write(p.metadata());
    }

    private List<Item> items(Batch b) {
        try {
            return new ArrayList<>(mapper.readValue(b.items, ITEMS));
        } catch (Exception e) {
            throw new IllegalStateException("batch " + b.id + " has unreadable items", e);
        }
    }

    private static BatchView view(Batch b, List<Item> items, List<MessageView> created) {
        return new BatchView(b.id, b.chatId, b.mode, b.status, b.continueOnError, b.timeoutMs, items, created,
                Timestamps.format(b.createdAt), Timestamps.format(b.completedAt));
    }
}
