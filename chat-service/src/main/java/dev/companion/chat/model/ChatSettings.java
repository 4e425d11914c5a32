package dev.companion.chat.model;

/** Sampling settings of a chat, passed to the provider (null = provider default). */
public record ChatSettings(Double temperature, Integer maxTokens, Double topP, Double frequencyPenalty, Double presencePenalty) {

    public static ChatSettings defaults() {
        return new ChatSettings(0.7, null, 1.0, 0.0, 0.0);
    }
}
