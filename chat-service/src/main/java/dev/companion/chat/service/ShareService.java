package dev.companion.chat.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.chat.model.Chat;
import dev.companion.chat.model.ChatShare;
import dev.companion.chat.model.Message;
import dev.companion.chat.model.MessageStatus;
import dev.companion.chat.repository.ChatRepository;
import dev.companion.chat.repository.MessageRepository;
import dev.companion.chat.repository.ShareRepository;
import dev.companion.chat.rest.dto.CreateShareRequest;
import dev.companion.chat.rest.dto.ShareList;
import dev.companion.chat.rest.dto.ShareView;
import dev.companion.chat.rest.dto.ShareView.SharedMessage;
import dev.companion.common.api.ApiException;
import dev.companion.common.api.ErrorResponse.Timestamps;
import dev.companion.common.api.PageRequest;
import dev.companion.common.api.Pagination;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Share links (seed 001 {@code /backend-api/share}): a snapshot of the chat's current branch, copied
 * when shared, so later messages, edits, regenerations or deletions of messages never reach it.
 * The id holds 256 bits of {@link SecureRandom} (not the time-ordered {@code Ids}, whose neighbours are
 * guessable): knowing it is the only way to read the share. Revoking deletes it, so it answers 404.
 */
@ApplicationScoped
public class ShareService {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** {@code shr_} + 43 base64url characters (32 bytes). */
    private static final Pattern SHARE_ID = Pattern.compile("^shr_[A-Za-z0-9_-]{43}$");
    private static final TypeReference<List<SharedMessage>> MESSAGES = new TypeReference<>() {
    };

    private final ChatRepository chats;
    private final MessageRepository messages;
    private final ShareRepository shares;
    private final ObjectMapper json;

    public ShareService(ChatRepository chats, MessageRepository messages, ShareRepository shares, ObjectMapper json) {
        this.chats = chats;
        this.messages = messages;
        this.shares = shares;
        this.json = json;
    }

    static String newShareId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "shr_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @WithTransaction
    public Uni<ShareView> create(String userId, String chatId, CreateShareRequest request) {
        return chats.findOwned(chatId, userId).onItem().ifNull().failWith(() -> ApiException.notFound("chat", chatId))
                .flatMap(chat -> messages.allOfChat(chat.id).flatMap(all -> {
                    List<SharedMessage> snapshot = snapshot(chat, all);
                    ChatShare s = new ChatShare();
                    s.id = newShareId();
                    s.chatId = chat.id;
                    s.userId = userId;
                    s.title = request == null || request.title() == null ? chat.name : request.title().strip();
                    s.model = chat.model;
                    s.messages = write(snapshot);
                    s.messageCount = snapshot.size();
                    s.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    return shares.persist(s).map(x -> ownerView(s));
                }));
    }

    /** The current branch, root to leaf, as it reads now: prompts, and answers that finished (an answer still streaming is left out). */
    static List<SharedMessage> snapshot(Chat chat, List<Message> all) {
        return AnswerStreamer.chain(all, chat.currentLeafId).stream()
                .filter(m -> Message.ROLE_USER.equals(m.role) || MessageStatus.COMPLETE.equals(m.status))
                .map(m -> new SharedMessage(m.id, m.role, m.content, m.model, Timestamps.format(m.createdAt)))
                .toList();
    }

    /** Without a token: the snapshot, or 404 for an unknown, malformed or revoked id. */
    @WithSession
    public Uni<ShareView> getPublic(String shareId) {
        if (shareId == null || !SHARE_ID.matcher(shareId).matches()) {
            return Uni.createFrom().failure(ApiException.notFound("share", shareId));
        }
        return shares.findById(shareId).onItem().ifNull().failWith(() -> ApiException.notFound("share", shareId))
                .map(s -> new ShareView(s.id, url(s.id), null, s.title, s.model, s.messageCount, Timestamps.format(s.createdAt), read(s.messages)));
    }

    @WithSession
    public Uni<ShareList> list(String userId, PageRequest page) {
        return shares.countOfUser(userId).flatMap(total -> shares.pageOfUser(userId, Page.of(page.page() - 1, page.limit()))
                .map(list -> new ShareList(list.stream().map(ShareService::ownerView).toList(), Pagination.of(page, total))));
    }

    /** Revokes the user's share of that chat; another user's (or another chat's) share is 404. */
    @WithTransaction
    public Uni<Void> revoke(String userId, String chatId, String shareId) {
        return shares.deleteOwned(userId, chatId, shareId).flatMap(n -> n == 0
                ? Uni.createFrom().failure(ApiException.notFound("share", shareId)) : Uni.createFrom().voidItem());
    }

    static String url(String shareId) {
        return "/v1/share/" + shareId;
    }

    private static ShareView ownerView(ChatShare s) {
        return new ShareView(s.id, url(s.id), s.chatId, s.title, s.model, s.messageCount, Timestamps.format(s.createdAt), null);
    }

    private String write(List<SharedMessage> snapshot) {
        try {
            return json.writeValueAsString(snapshot);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<SharedMessage> read(String text) {
        try {
            return json.readValue(text, MESSAGES);
        } catch (Exception e) {
            throw new IllegalStateException("share snapshot unreadable", e);
        }
    }
}
