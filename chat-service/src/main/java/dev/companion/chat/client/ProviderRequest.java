package dev.companion.chat.client;

import dev.companion.chat.model.ChatSettings;

import java.util.List;

/**
 * One completion request: the provider's model name, the prompt messages in order, sampling settings,
 * and the user it is for (the agent provider answers a user's prompts only with that user's agents).
 */
public record ProviderRequest(String model, List<PromptMessage> messages, ChatSettings settings, int maxTokens, String userId) {

    public ProviderRequest(String model, List<PromptMessage> messages, ChatSettings settings, int maxTokens) {
        this(model, messages, settings, maxTokens, null);
    }

    /** A message of the prompt: role {@code system}, {@code user} or {@code assistant}. */
    public record PromptMessage(String role, String content) {
    }
}
