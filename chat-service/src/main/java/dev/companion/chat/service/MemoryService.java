package dev.companion.chat.service;

import dev.companion.chat.config.ChatConfig;
import dev.companion.chat.model.Memory;
import dev.companion.chat.model.MemorySetting;
import dev.companion.chat.repository.MemoryRepository;
import dev.companion.chat.rest.dto.CreateMemoryRequest;
import dev.companion.chat.rest.dto.MemoryList;
import dev.companion.chat.rest.dto.MemorySettingsView;
import dev.companion.chat.rest.dto.MemoryView;
import dev.companion.chat.rest.dto.UpdateMemoryRequest;
import dev.companion.common.api.ApiException;
import dev.companion.common.api.ErrorResponse.Timestamps;
import dev.companion.common.id.Ids;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The user's memories (seed 001 {@code /backend-api/memories}): facts the model is told in every chat, in
 * the system prompt after the instruction layers, newest first within {@code companion.chat.memories.token-budget}
 * (the oldest left out first). Each memory can be switched off ({@code enabled}), and memories as a whole
 * ({@code /v1/memories/settings}).
 */
@ApplicationScoped
public class MemoryService {

    /** Memories are counted with the o200k encoding whatever the chat's model (the budget is a config figure). */
    static final String COUNTING_MODEL = "gpt-4o";

    private final MemoryRepository memories;
    private final TokenCounter tokens;
    private final ChatConfig config;

    public MemoryService(MemoryRepository memories, TokenCounter tokens, ChatConfig config) {
        this.memories = memories;
        this.tokens = tokens;
        this.config = config;
    }

    @WithSession
    public Uni<MemoryList> list(String userId) {
        return memories.enabledFor(userId).flatMap(on -> memories.ofUser(userId).map(all -> {
            List<MemoryView> views = all.stream().map(this::toView).toList();
            int used = on ? fitting(all.stream().filter(m -> m.enabled).toList(), COUNTING_MODEL).stream()
                    .mapToInt(m -> tokens.count(COUNTING_MODEL, line(m))).sum() : 0;
            return new MemoryList(views, on, config.memories().tokenBudget(), used);
        }));
    }

    @WithSession
    public Uni<MemoryView> get(String userId, String id) {
        return owned(userId, id).map(this::toView);
    }

    @WithTransaction
    public Uni<MemoryView> create(String userId, CreateMemoryRequest request) {
        String content = checkedContent(request.content());
        int max = config.memories().maxPerUser();
        // one user's creates are serialised by the advisory lock, so two cannot both take the last place
        return lockUser(userId).flatMap(x -> memories.countOfUser(userId)).flatMap(count -> {
            if (count >= max) {
                return Uni.createFrom().failure(ApiException.validation("content", "maxMemories", max,
                        "A user may keep at most " + max + " memories; delete one first"));
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            Memory m = new Memory();
            m.id = Ids.newId("mem");
            m.userId = userId;
            m.content = content;
            m.enabled = request.enabled() == null || request.enabled();
            m.createdAt = now;
            m.updatedAt = now;
            return memories.persist(m).map(this::toView);
        });
    }

    @WithTransaction
    public Uni<MemoryView> update(String userId, String id, UpdateMemoryRequest request) {
        String content = request.content() == null ? null : checkedContent(request.content());
        return owned(userId, id).map(m -> {
            if (content != null) {
                m.content = content;
            }
            if (request.enabled() != null) {
                m.enabled = request.enabled();
            }
            m.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            return toView(m);
        });
    }

    @WithTransaction
    public Uni<Void> delete(String userId, String id) {
        return owned(userId, id).flatMap(memories::delete);
    }

    @WithTransaction
    public Uni<Map<String, Long>> deleteAll(String userId) {
        return memories.deleteAllOfUser(userId).map(n -> Map.of("deleted", n));
    }

    @WithSession
    public Uni<MemorySettingsView> settings(String userId) {
        return memories.enabledFor(userId).map(MemorySettingsView::new);
    }

    @WithTransaction
    public Uni<MemorySettingsView> updateSettings(String userId, boolean enabled) {
        return memories.setting(userId).flatMap(s -> {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            if (s == null) {
                MemorySetting fresh = new MemorySetting();
                fresh.userId = userId;
                fresh.enabled = enabled;
                fresh.updatedAt = now;
                return fresh.persist().replaceWith(new MemorySettingsView(enabled));
            }
            s.enabled = enabled;
            s.updatedAt = now;
            return Uni.createFrom().item(new MemorySettingsView(enabled));
        });
    }

    /**
     * What goes into the system prompt for {@code userId}: the enabled memories that fit the budget, oldest
     * first (empty when memories are off). Runs in the caller's session.
     */
    public Uni<List<String>> forPrompt(String userId, String model) {
        return memories.enabledFor(userId).flatMap(on -> !on ? Uni.createFrom().item(List.<String>of())
                : memories.enabledOfUser(userId).map(all -> {
                    List<Memory> kept = fitting(all, model);
                    List<String> lines = new ArrayList<>(kept.size());
                    for (int i = kept.size() - 1; i >= 0; i--) {
                        lines.add(kept.get(i).content);
                    }
                    return lines;
                }));
    }

    /** The newest memories whose lines fit the token budget together; the first that does not fit ends it. */
    List<Memory> fitting(List<Memory> newestFirst, String model) {
        int budget = config.memories().tokenBudget();
        List<Memory> kept = new ArrayList<>();
        for (Memory m : newestFirst) {
            int cost = tokens.count(model, line(m));
            if (cost > budget) {
                break; // older memories are dropped, never a newer one in favour of an older
            }
            budget -= cost;
            kept.add(m);
        }
        return kept;
    }

    /** How a memory appears in the system prompt (see {@link PromptBuilder#memorySection}). */
    static String line(Memory m) {
        return "- " + m.content + "\n";
    }

    private Uni<Memory> owned(String userId, String id) {
        return memories.findOwned(id, userId).onItem().ifNull().failWith(() -> ApiException.notFound("memory", id));
    }

    private String checkedContent(String content) {
        String c = content.strip();
        int max = config.memories().maxLength();
        if (c.isEmpty()) {
            throw ApiException.validation("content", "notBlank", null, "content must not be blank");
        }
        if (c.length() > max) {
            throw ApiException.validation("content", "maxLength", max, "content may be at most " + max + " characters");
        }
        return c;
    }

    private Uni<Void> lockUser(String userId) {
        return io.quarkus.hibernate.reactive.panache.Panache.getSession().flatMap(s -> s
                .createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(?1))")
                .setParameter(1, "memory-user:" + userId).getSingleResult()).replaceWithVoid();
    }

    MemoryView toView(Memory m) {
        return new MemoryView(m.id, m.content, m.enabled, tokens.count(COUNTING_MODEL, m.content),
                Timestamps.format(m.createdAt), Timestamps.format(m.updatedAt));
    }
}
