package dev.companion.chat.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.chat.client.ProviderException;
import dev.companion.chat.client.ProviderRequest.ContentPart;
import dev.companion.chat.client.ProviderRequest.PromptMessage;
import dev.companion.chat.config.ChatConfig.ModelConfig;
import dev.companion.chat.model.Chat;
import dev.companion.chat.model.InstructionRef;
import dev.companion.chat.model.Message;
import dev.companion.chat.model.MessageStatus;
import dev.companion.common.instructions.InstructionLayer;
import dev.companion.common.instructions.InstructionResolver;
import dev.companion.common.instructions.Instructions;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Builds what the model sees: one system message (the chat's system message, then the effective
 * instructions by the shared {@link InstructionResolver} rule, then the user's memories), then the conversation along the parent
 * chain, oldest first, dropping the oldest turns that do not fit the model's context window once the
 * answer's output tokens are reserved.
 */
@ApplicationScoped
public class PromptBuilder {

    private final TokenCounter tokens;
    private final ObjectMapper mapper;

    public PromptBuilder(TokenCounter tokens, ObjectMapper mapper) {
        this.tokens = tokens;
        this.mapper = mapper;
    }

    /**
     * @param chain the messages from the root to the prompt being answered (inclusive), in order
     */
    public List<PromptMessage> build(String model, ModelConfig config, int outputReserve, Chat chat, List<InstructionRef> sets,
                                     List<Message> chain) {
        return build(model, config, outputReserve, chat, sets, chain, List.of(), Map.of());
    }

    /**
     * @param memories the user's memories that fit their budget, oldest first ({@link MemoryService#forPrompt})
     * @param parts    the attachments of prompts of the chain as content parts, by message id
     */
    public List<PromptMessage> build(String model, ModelConfig config, int outputReserve, Chat chat, List<InstructionRef> sets,
                                     List<Message> chain, List<String> memories, Map<String, List<ContentPart>> parts) {
        String system = join(systemPrompt(chat, sets), memorySection(memories));
        int budget = config.contextWindow() - outputReserve - TokenCounter.REPLY_PRIMING;
        PromptMessage systemMessage = system.isEmpty() ? null : new PromptMessage("system", system);
        if (systemMessage != null) {
            budget -= tokens.count(model, systemMessage);
        }
        Deque<PromptMessage> kept = new ArrayDeque<>();
        for (int i = chain.size() - 1; i >= 0; i--) {
            Message m = chain.get(i);
            if (!usable(m)) {
                continue;
            }
            PromptMessage pm = new PromptMessage(m.role, m.content, parts.getOrDefault(m.id, List.of()));
            int cost = tokens.count(model, pm);
            if (cost > budget) {
                if (kept.isEmpty()) {
                    throw new ProviderException("context_length_exceeded",
                            "The prompt does not fit the context window of " + model + " (" + config.contextWindow() + " tokens)",
                            null, true);
                }
                break; // older turns are dropped, never a middle one
            }
            budget -= cost;
            kept.addFirst(pm);
        }
        List<PromptMessage> out = new ArrayList<>(kept.size() + 1);
        if (systemMessage != null) {
            out.add(systemMessage);
        }
        out.addAll(kept);
        return out;
    }

    /** The chat's system message first, then the rendered effective instructions; blank parts left out. */
    public String systemPrompt(Chat chat, List<InstructionRef> sets) {
        List<InstructionLayer> layers = new ArrayList<>(sets.size());
        for (InstructionRef ref : sets) {
            layers.add(new InstructionLayer(ref.id, ref.name, ref.scope, ref.mode, ref.createdAt, instructions(ref)));
        }
        String rendered = InstructionResolver.resolve(layers).systemPrompt();
        List<String> parts = new ArrayList<>(2);
        if (chat.systemMessage != null && !chat.systemMessage.isBlank()) {
            parts.add(chat.systemMessage.strip());
        }
        if (rendered != null && !rendered.isBlank()) {
            parts.add(rendered);
        }
        return String.join("\n\n", parts);
    }

    /**
     * The memories after the instruction layers: a heading, then one line per memory (oldest first); empty
     * without memories.
     */
    static String memorySection(List<String> memories) {
        if (memories == null || memories.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("Memories (facts the user asked you to remember):\n");
        for (String m : memories) {
            out.append("- ").append(m).append('\n');
        }
        return out.toString().strip();
    }

    private static String join(String a, String b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isEmpty() ? a : a + "\n\n" + b;
    }

    private Instructions instructions(InstructionRef ref) {
        try {
            return mapper.readValue(ref.instructions, Instructions.class);
        } catch (Exception e) {
            return Instructions.empty();
        }
    }

    /** Prompts, and answers that carry text (a failed answer with nothing in it is not history). */
    private static boolean usable(Message m) {
        if (Message.ROLE_USER.equals(m.role)) {
            return true;
        }
        return !m.content.isEmpty() && !MessageStatus.STREAMING.equals(m.status);
    }
}
