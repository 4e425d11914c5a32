package dev.companion.chat.service;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.companion.chat.client.ProviderRequest.PromptMessage;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts tokens with the BPE encodings OpenAI models use (jtokkit: o200k for gpt-4o and newer, cl100k
 * otherwise and for models it does not know), so the history fits the context window.
 */
@ApplicationScoped
public class TokenCounter {

    /** Per-message framing tokens of the chat format (role and separators), as OpenAI documents them. */
    static final int PER_MESSAGE = 4;
    /** Tokens that prime every reply. */
    static final int REPLY_PRIMING = 3;

    private final EncodingRegistry registry = Encodings.newLazyEncodingRegistry();
    private final Map<String, Encoding> byModel = new ConcurrentHashMap<>();

    /** Loads the encodings at start (they take a moment), so no event loop waits for them later. */
    void warmUp(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event) {
        count("gpt-4o-mini", "warm up");
        count("gpt-4", "warm up");
    }

    public int count(String model, String text) {
        return text == null || text.isEmpty() ? 0 : encoding(model).countTokensOrdinary(text);
    }

    /** Tokens of one prompt message including its framing. */
    public int count(String model, PromptMessage message) {
        return PER_MESSAGE + count(model, message.role()) + count(model, message.content());
    }

    public int count(String model, List<PromptMessage> messages) {
        int total = REPLY_PRIMING;
        for (PromptMessage m : messages) {
            total += count(model, m);
        }
        return total;
    }

    private Encoding encoding(String model) {
        return byModel.computeIfAbsent(model == null ? "" : model, m -> {
            if (m.startsWith("gpt-4o") || m.startsWith("o1") || m.startsWith("o3") || m.startsWith("o4") || m.startsWith("gpt-4.1")
                    || m.startsWith("gpt-5")) {
                return registry.getEncoding(EncodingType.O200K_BASE);
            }
            return registry.getEncodingForModel(m).orElseGet(() -> registry.getEncoding(EncodingType.CL100K_BASE));
        });
    }
}
