package dev.companion.chat.client;

/** What a provider stream carries: text deltas, then the token usage if the provider reports it. */
public sealed interface ProviderEvent {

    record Delta(String text) implements ProviderEvent {
    }

    record Usage(int promptTokens, int completionTokens) implements ProviderEvent {
    }
}
