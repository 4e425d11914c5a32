package dev.companion.chat.service;

import com.knuddels.jtokkit.api.EncodingType;
import dev.companion.chat.client.ProviderRequest.PromptMessage;
import dev.companion.chat.config.ChatConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts tokens with the BPE encodings OpenAI models use (cl100k for the gpt-4 / gpt-3.5
 * generation, o200k for gpt-4o and newer and for models it does not know, the offline model included),
 * so the history fits the context window. The rank tables are held compactly ({@link BpeTable}: about
 * 3 MB for cl100k, 5 MB for o200k); only those of models that can answer (offline, or a provider with
 * keys) are loaded at start, any other on its first use.
 */
@ApplicationScoped
public class TokenCounter {

    /** Per-message framing tokens of the chat format (role and separators), as OpenAI documents them. */
    static final int PER_MESSAGE = 4;
    /** Tokens that prime every reply. */
    static final int REPLY_PRIMING = 3;

    private final Map<EncodingType, BpeTable> tables = new ConcurrentHashMap<>();
    private final Map<String, BpeTable> byModel = new ConcurrentHashMap<>();

    /** Loads the encodings of answering models at start (they take a moment), so no event loop waits for them. */
    void warmUp(@Observes StartupEvent event, ChatConfig config) {
        for (Map.Entry<String, ChatConfig.ModelConfig> m : config.models().entrySet()) {
            ChatConfig.ProviderConfig provider = config.providers().get(m.getValue().provider());
            boolean answers = provider != null && ("offline".equals(provider.type()) || "agent".equals(provider.type())
                    || provider.apiKeys().map(keys -> keys.stream().anyMatch(k -> !k.isBlank())).orElse(false));
            if (answers) {
                count(m.getValue().providerModel().orElse(m.getKey()), "warm up");
            }
        }
    }

    /** The encodings loaded so far, by name (for tests and diagnostics). */
    public Set<String> loadedEncodings() {
        Set<String> names = new TreeSet<>();
        byModel.values().forEach(t -> names.add(t.name()));
        return names;
    }

    public int count(String model, String text) {
        return text == null || text.isEmpty() ? 0 : table(model).count(text);
    }

    /** Tokens of one prompt message including its framing. */
    public int count(String model, PromptMessage message) {
        int total = PER_MESSAGE + count(model, message.role()) + count(model, message.content());
        for (dev.companion.chat.client.ProviderRequest.ContentPart part : message.parts()) {
            total += part.text() != null ? count(model, part.text()) : part.tokens();
        }
        return total;
    }

    /**
     * What an image costs a vision model, by OpenAI's rule for {@code detail: high}/{@code auto}: scaled to fit
     * 2048 × 2048, then its shortest side to 768, 170 tokens per 512-pixel tile plus 85; {@code low}: 85.
     */
    public static int imageTokens(int width, int height, String detail) {
        if ("low".equals(detail) || width <= 0 || height <= 0) {
            return 85;
        }
        double w = width;
        double h = height;
        double fit = Math.min(1.0, 2048.0 / Math.max(w, h));
        w *= fit;
        h *= fit;
        double shortest = Math.min(w, h);
        if (shortest > 768) {
            double s = 768.0 / shortest;
            w *= s;
            h *= s;
        }
        long tiles = (long) Math.ceil(w / 512.0) * (long) Math.ceil(h / 512.0);
        return (int) (85 + 170 * tiles);
    }

    public int count(String model, List<PromptMessage> messages) {
        int total = REPLY_PRIMING;
        for (PromptMessage m : messages) {
            total += count(model, m);
        }
        return total;
    }

    private BpeTable table(String model) {
        return byModel.computeIfAbsent(model == null ? "" : model, m -> tables.computeIfAbsent(encodingType(m),
                type -> type == EncodingType.CL100K_BASE ? BpeTable.cl100k() : BpeTable.o200k()));
    }

    static EncodingType encodingType(String model) {
        if (model.startsWith("gpt-4o") || model.startsWith("gpt-4.1") || model.startsWith("gpt-5") || model.startsWith("o1")
                || model.startsWith("o3") || model.startsWith("o4")) {
            return EncodingType.O200K_BASE;
        }
        if (model.startsWith("gpt-4") || model.startsWith("gpt-3.5") || model.startsWith("text-embedding")) {
            return EncodingType.CL100K_BASE;
        }
        return EncodingType.O200K_BASE;
    }
}
