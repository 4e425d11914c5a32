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

    /**
     * A message of the prompt: role {@code system}, {@code user} or {@code assistant}. {@code parts} are the
     * attachments of a user message (sent after {@code content} as OpenAI content parts); usually empty.
     */
    public record PromptMessage(String role, String content, List<ContentPart> parts) {
        public PromptMessage(String role, String content) {
            this(role, content, List.of());
        }

        public PromptMessage {
            parts = parts == null ? List.of() : List.copyOf(parts);
        }
    }

    /**
     * An OpenAI content part: {@code text} (with {@code text}) or {@code image_url} (with {@code imageUrl}, a
     * data URL, and {@code detail}); {@code tokens} is its estimated cost for image parts.
     */
    public record ContentPart(String type, String text, String imageUrl, String detail, int tokens) {
        public static final String TEXT = "text";
        public static final String IMAGE_URL = "image_url";

        public static ContentPart text(String text) {
            return new ContentPart(TEXT, text, null, null, 0);
        }

        public static ContentPart image(String dataUrl, String detail, int tokens) {
            return new ContentPart(IMAGE_URL, null, dataUrl, detail, tokens);
        }
    }
}
