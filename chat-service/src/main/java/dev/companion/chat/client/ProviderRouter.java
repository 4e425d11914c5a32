package dev.companion.chat.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.chat.config.ChatConfig;
import dev.companion.chat.config.ChatConfig.ModelConfig;
import dev.companion.chat.config.ChatConfig.ProviderConfig;
import dev.companion.chat.model.ChatSettings;
import dev.companion.chat.service.TokenCounter;
import io.smallrye.mutiny.Multi;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The model catalogue of the configuration and the provider behind each model. Streams an answer from a
 * model and, when it fails before its first token and the model names a fallback, from the fallback.
 */
@ApplicationScoped
public class ProviderRouter {

    private final ChatConfig config;
    private final Map<String, ChatProvider> providers = new HashMap<>();

    public ProviderRouter(ChatConfig config, Vertx vertx, ObjectMapper mapper, TokenCounter tokens, AgentProvider agents) {
        this.config = config;
        for (Map.Entry<String, ProviderConfig> e : config.providers().entrySet()) {
            ProviderConfig p = e.getValue();
            ChatProvider provider = switch (p.type()) {
                case "openai" -> new OpenAiCompatibleProvider(e.getKey(), p,
                        new KeyPool(p.apiKeys().orElse(List.of()).stream().map(String::trim).filter(k -> !k.isEmpty()).toList(),
                                Clock.systemUTC()),
                        vertx, mapper);
                case "offline" -> new OfflineEchoProvider(p.chunkDelay(), tokens);
                case "agent" -> agents;
                default -> throw new IllegalStateException("companion.chat.providers." + e.getKey()
                        + ".type must be openai, offline or agent, not " + p.type());
            };
            providers.put(e.getKey(), provider);
        }
        for (Map.Entry<String, ModelConfig> m : config.models().entrySet()) {
            if (!providers.containsKey(m.getValue().provider())) {
                throw new IllegalStateException("model " + m.getKey() + " names an unknown provider " + m.getValue().provider());
            }
        }
        if (!config.models().containsKey(config.defaultModel())) {
            throw new IllegalStateException("companion.chat.default-model " + config.defaultModel() + " is not in companion.chat.models");
        }
    }

    public boolean knows(String model) {
        return model != null && config.models().containsKey(model);
    }

    public ModelConfig model(String name) {
        ModelConfig m = config.models().get(name);
        if (m == null) {
            throw new IllegalArgumentException("unknown model " + name);
        }
        return m;
    }

    /** Whether the model is served by the offline provider (deterministic answers, no network). */
    public boolean offline(String modelName) {
        return providers.get(model(modelName).provider()) instanceof OfflineEchoProvider;
    }

    public Set<String> modelNames() {
        return config.models().keySet();
    }

    /** Streams from {@code modelName}, falling back (once per model in the chain) before the first token. */
    public Multi<ProviderEvent> stream(String modelName, List<ProviderRequest.PromptMessage> messages, ChatSettings settings) {
        return stream(modelName, null, messages, settings);
    }

    /** The same for one user's prompt (the {@code agent} model answers it with that user's agents only). */
    public Multi<ProviderEvent> stream(String modelName, String userId, List<ProviderRequest.PromptMessage> messages, ChatSettings settings) {
        return stream(modelName, userId, messages, settings, new HashSet<>());
    }

    private Multi<ProviderEvent> stream(String modelName, String userId, List<ProviderRequest.PromptMessage> messages, ChatSettings settings,
                                        Set<String> tried) {
        tried.add(modelName);
        ModelConfig model = model(modelName);
        int maxTokens = settings != null && settings.maxTokens() != null
                ? Math.min(settings.maxTokens(), model.maxOutputTokens()) : model.maxOutputTokens();
        ProviderRequest request = new ProviderRequest(model.providerModel().orElse(modelName), messages, settings, maxTokens, userId);
        Multi<ProviderEvent> primary = providers.get(model.provider()).stream(request);
        if (model.fallback().isEmpty() || tried.contains(model.fallback().get()) || !knows(model.fallback().get())) {
            return primary;
        }
        String fallback = model.fallback().get();
        return primary.onFailure(t -> t instanceof ProviderException pe && pe.beforeFirstToken())
                .recoverWithMulti(t -> stream(fallback, userId, messages, settings, tried));
    }
}
