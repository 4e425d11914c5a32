package dev.companion.chat.service;

import dev.companion.chat.client.ProviderEvent;
import dev.companion.chat.client.ProviderException;
import dev.companion.chat.client.ProviderRequest.PromptMessage;
import dev.companion.chat.client.ProviderRouter;
import dev.companion.chat.config.ConversationsConfig;
import dev.companion.chat.mapping.ChatMapper;
import dev.companion.chat.model.Chat;
import dev.companion.chat.model.ChatSettings;
import dev.companion.chat.model.Message;
import dev.companion.chat.model.MessageStatus;
import dev.companion.chat.repository.ChatRepository;
import dev.companion.chat.repository.MessageRepository;
import dev.companion.chat.rest.dto.SuggestionsView;
import dev.companion.common.api.ApiException;
import dev.companion.common.api.ErrorCode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Follow-up suggestions for a chat (seed 001 autocompletions): the last turns of the current branch go
 * to the chat's model with an instruction to propose {@code n} next messages, one per line. The offline
 * model answers deterministic ones built from the last prompt. Nothing is stored.
 */
@ApplicationScoped
public class SuggestionService {

    /** How many of the branch's last messages the model sees, and how much of each. */
    static final int HISTORY = 8;
    static final int MAX_CHARS = 2000;
    static final int MAX_SUGGESTION_CHARS = 300;
    private static final Pattern LIST_MARK = Pattern.compile("^\\s*(?:[-*•]+|\\d+[.):]|\\(\\d+\\))\\s*");

    private final ChatRepository chats;
    private final MessageRepository messages;
    private final ProviderRouter router;
    private final ChatMapper mapper;
    private final ConversationsConfig config;

    public SuggestionService(ChatRepository chats, MessageRepository messages, ProviderRouter router, ChatMapper mapper,
                             ConversationsConfig config) {
        this.chats = chats;
        this.messages = messages;
        this.router = router;
        this.mapper = mapper;
        this.config = config;
    }

    private record Context(Chat chat, List<Message> history) {
    }

    public Uni<SuggestionsView> suggest(String userId, String chatId, int n) {
        return Panache.withSession(() -> chats.findOwned(chatId, userId)
                        .onItem().ifNull().failWith(() -> ApiException.notFound("chat", chatId))
                        .flatMap(chat -> messages.allOfChat(chatId).map(all -> new Context(chat, history(chat, all)))))
                .flatMap(ctx -> {
                    Chat chat = ctx.chat();
                    if (router.offline(chat.model)) {
                        return Uni.createFrom().item(new SuggestionsView(chatId, chat.model, offline(chat, ctx.history(), n)));
                    }
                    return ask(chat, ctx.history(), n).map(list -> new SuggestionsView(chatId, chat.model, list));
                });
    }

    /** The last {@link #HISTORY} usable messages of the current branch, oldest first. */
    static List<Message> history(Chat chat, List<Message> all) {
        List<Message> chain = AnswerStreamer.chain(all, chat.currentLeafId).stream()
                .filter(m -> Message.ROLE_USER.equals(m.role) || MessageStatus.COMPLETE.equals(m.status))
                .filter(m -> !m.content.isBlank())
                .toList();
        return chain.subList(Math.max(0, chain.size() - HISTORY), chain.size());
    }

    /** The offline model's deterministic suggestions: about the last prompt (or the chat's name). */
    static List<String> offline(Chat chat, List<Message> history, int n) {
        String topic = chat.name;
        for (Message m : history) {
            if (Message.ROLE_USER.equals(m.role)) {
                topic = m.content;
            }
        }
        topic = topic.strip().replaceAll("\\s+", " ");
        if (topic.length() > 60) {
            topic = topic.substring(0, 60).strip() + "…";
        }
        List<String> all = List.of(
                "Can you explain \"" + topic + "\" in more detail?",
                "Can you give an example of \"" + topic + "\"?",
                "What are the trade-offs of \"" + topic + "\"?",
                "How do I get started with \"" + topic + "\"?",
                "What should I read next about \"" + topic + "\"?");
        return all.subList(0, n);
    }

    private Uni<List<String>> ask(Chat chat, List<Message> history, int n) {
        List<PromptMessage> prompt = new ArrayList<>();
        prompt.add(new PromptMessage("system", "You suggest what the user could ask next in this conversation. Answer with exactly "
                + n + " short follow-up messages written as the user would type them, one per line, without numbering, quotes or"
                + " any other text."));
        for (Message m : history) {
            String text = m.content.length() > MAX_CHARS ? m.content.substring(0, MAX_CHARS) : m.content;
            prompt.add(new PromptMessage(m.role, text));
        }
        prompt.add(new PromptMessage("user", "Suggest " + n + " follow-up messages I could send next, one per line."));
        ChatSettings base = mapper.settings(chat);
        ChatSettings settings = new ChatSettings(base.temperature(), 60 * n + 40, base.topP(), null, null);
        long timeout = config.suggestionsTimeout().toMillis();
        return router.stream(chat.model, prompt, settings)
                .filter(e -> e instanceof ProviderEvent.Delta)
                .map(e -> ((ProviderEvent.Delta) e).text())
                .collect().in(StringBuilder::new, StringBuilder::append)
                .ifNoItem().after(config.suggestionsTimeout()).fail()
                .onFailure(TimeoutException.class).transform(t -> new ApiException(ErrorCode.GATEWAY_TIMEOUT,
                        "The model did not suggest anything within " + timeout + " ms", Map.of("model", chat.model)))
                .onFailure(ProviderException.class).transform(t -> new ApiException(ErrorCode.SERVICE_UNAVAILABLE,
                        "The model could not suggest follow-ups: " + t.getMessage(),
                        Map.of("model", chat.model, "providerCode", ((ProviderException) t).code())))
                .map(text -> parse(text.toString(), n));
    }

    /** One suggestion per non-empty line, list marks and quotes removed, duplicates dropped, at most {@code n}. */
    static List<String> parse(String text, int n) {
        Set<String> out = new LinkedHashSet<>();
        for (String line : text.split("\\R")) {
            String s = LIST_MARK.matcher(line).replaceFirst("").strip();
            if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\""))) {
                s = s.substring(1, s.length() - 1).strip();
            }
            if (s.isEmpty()) {
                continue;
            }
            out.add(s.length() > MAX_SUGGESTION_CHARS ? s.substring(0, MAX_SUGGESTION_CHARS) : s);
            if (out.size() == n) {
                break;
            }
        }
        return List.copyOf(out);
    }
}
