package dev.companion.chat.client;

import dev.companion.chat.client.ProviderRequest.PromptMessage;
import dev.companion.chat.service.TokenCounter;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The offline model: no network, deterministic. It answers with a reply built from the prompt (the last
 * user message, and how much context and instruction it was given), streamed word by word at a
 * configurable pace, so the whole pipeline can be used and tested without any external service.
 */
public final class OfflineEchoProvider implements ChatProvider {

    private final Duration chunkDelay;
    private final TokenCounter tokens;

    public OfflineEchoProvider(Duration chunkDelay, TokenCounter tokens) {
        this.chunkDelay = chunkDelay;
        this.tokens = tokens;
    }

    @Override
    public Multi<ProviderEvent> stream(ProviderRequest request) {
        String reply = reply(request.messages());
        List<String> chunks = chunks(reply);
        int promptTokens = tokens.count(request.model(), request.messages());
        int completionTokens = tokens.count(request.model(), reply);
        Multi<ProviderEvent> deltas = Multi.createFrom().iterable(chunks)
                .onItem().call(c -> chunkDelay.isZero() ? Uni.createFrom().voidItem()
                        : Uni.createFrom().voidItem().onItem().delayIt().by(chunkDelay))
                .map(ProviderEvent.Delta::new);
        return Multi.createBy().concatenating().streams(deltas,
                Multi.createFrom().item(new ProviderEvent.Usage(promptTokens, completionTokens)));
    }

    /** The deterministic answer: what the user said, and what the model was given. */
    static String reply(List<PromptMessage> messages) {
        String lastUser = "";
        List<ProviderRequest.ContentPart> lastParts = List.of();
        int history = 0;
        int systemChars = 0;
        for (PromptMessage m : messages) {
            switch (m.role()) {
                case "user" -> {
                    lastUser = m.content();
                    lastParts = m.parts();
                    history++;
                }
                case "assistant" -> history++;
                default -> systemChars += m.content().length();
            }
        }
        String attached = "";
        if (!lastParts.isEmpty()) {
            long images = lastParts.stream().filter(p -> ProviderRequest.ContentPart.IMAGE_URL.equals(p.type())).count();
            attached = ", attachments: " + images + " images, " + (lastParts.size() - images) + " text files";
        }
        return "Offline echo: " + lastUser + " (context: " + Math.max(0, history - 1) + " earlier messages, "
                + systemChars + " characters of system prompt" + attached + ")";
    }

    /** Word-sized chunks that join back to exactly the reply. */
    static List<String> chunks(String reply) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= reply.length(); i++) {
            if (i == reply.length() || (reply.charAt(i) == ' ' && reply.charAt(i - 1) != ' ')) {
                out.add(reply.substring(start, i));
                start = i;
            }
        }
        return out;
    }
}
