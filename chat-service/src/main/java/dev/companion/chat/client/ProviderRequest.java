package dev.companion.chat.client;

import dev.companion.chat.model.ChatSettings;

import java.util.List;

/** One completion request: the provider's model name, the prompt messages in order, sampling settings. */
public record ProviderRequest(String model, List<PromptMessage> messages, ChatSettings settings, int maxTokens) {

    /** A message of the prompt: role {@code system}, {@code user} or {@code assistant}. */
    public record PromptMessage(String role, String content) {
    }
}
