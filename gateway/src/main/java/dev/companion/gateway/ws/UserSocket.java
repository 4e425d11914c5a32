package dev.companion.gateway.ws;

import dev.companion.gateway.security.VerifiedToken;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import org.jboss.logging.Logger;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One open socket and its outbound queue. Messages are sent one at a time, in the order they were
 * queued (so a chat's chunks stay in order); a client that reads too slowly fills its own bounded
 * queue and is closed with 1013 — it never holds up other sockets or the Kafka consumer.
 */
final class UserSocket {

    static final int CLOSE_POLICY = 1008;
    static final int CLOSE_OVERFLOW = 1013;
    static final int CLOSE_GOING_AWAY = 1001;

    private static final Logger LOG = Logger.getLogger(UserSocket.class);

    private static final AtomicLong AUTHENTICATIONS = new AtomicLong();

    private final WebSocketConnection connection;
    private final String address;
    private final int maxQueued;
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private boolean sending;
    private boolean closing;
    private CloseReason closeWhenDrained;

    private volatile String userId;
    private volatile String sessionId;
    private volatile long lastSeenMillis = System.currentTimeMillis();
    private volatile long authTimer = -1;
    private volatile long expiryTimer = -1;
    private volatile long warningTimer = -1;
    private volatile VerifiedToken token;
    private volatile long authenticatedAt;
    /** {@code remaining} per feature as last sent to the client ({@code connection.ready} / {@code limits.updated}). */
    private volatile java.util.Map<String, Long> limitsSent = java.util.Map.of();

    UserSocket(WebSocketConnection connection, String address, int maxQueued) {
        this.connection = connection;
        this.address = address;
        this.maxQueued = maxQueued;
    }

    /** The client's address without its port ({@code unknown} if the connection has none). */
    String address() {
        return address;
    }

    /** Order of authentication on this replica (the lowest of a user's is its oldest socket). */
    long authenticatedAt() {
        return authenticatedAt;
    }

    java.util.Map<String, Long> limitsSent() {
        return limitsSent;
    }

    void limitsSent(java.util.Map<String, Long> sent) {
        this.limitsSent = sent;
    }

    String connectionId() {
        return connection.id();
    }

    String userId() {
        return userId;
    }

    String sessionId() {
        return sessionId;
    }

    boolean authenticated() {
        return userId != null;
    }

    void authenticated(VerifiedToken token, String sessionId) {
        this.authenticatedAt = AUTHENTICATIONS.incrementAndGet();
        this.sessionId = sessionId;
        this.token = token;
        this.userId = token.userId();
    }

    /** The token the socket lives on: the first {@code auth}'s, or the latest one that extended it. */
    VerifiedToken token() {
        return token;
    }

    void renewed(VerifiedToken token) {
        this.token = token;
    }

    long warningTimer() {
        return warningTimer;
    }

    void warningTimer(long id) {
        warningTimer = id;
    }

    void seen() {
        lastSeenMillis = System.currentTimeMillis();
    }

    long lastSeenMillis() {
        return lastSeenMillis;
    }

    long authTimer() {
        return authTimer;
    }

    void authTimer(long id) {
        authTimer = id;
    }

    long expiryTimer() {
        return expiryTimer;
    }

    void expiryTimer(long id) {
        expiryTimer = id;
    }

    /** Queues a message; false if the socket is closing or its queue just overflowed (then it is closed). */
    boolean offer(String text) {
        synchronized (this) {
            if (closing) {
                return false;
            }
            if (queue.size() >= maxQueued) {
                closing = true;
                queue.clear();
            } else {
                queue.add(text);
                if (sending) {
                    return true;
                }
                sending = true;
            }
        }
        if (closing) {
            LOG.warnf("socket %s of %s closed: more than %d messages waiting", sessionId, userId, maxQueued);
            close(new CloseReason(CLOSE_OVERFLOW, "outbound buffer overflow"));
            return false;
        }
        sendNext();
        return true;
    }

    /** Sends {@code lastMessage} after everything already queued, then closes. */
    void closeAfter(String lastMessage, CloseReason reason) {
        synchronized (this) {
            if (closing) {
                return;
            }
            if (lastMessage != null) {
                queue.add(lastMessage);
            }
            closing = true;
            closeWhenDrained = reason;
            if (sending) {
                return;
            }
            sending = true;
        }
        sendNext();
    }

    void close(CloseReason reason) {
        synchronized (this) {
            closing = true;
            queue.clear();
        }
        if (connection.isOpen()) {
            connection.close(reason).subscribe().with(v -> { }, e -> LOG.debugf("close of %s failed: %s", connectionId(), e));
        }
    }

    private void sendNext() {
        String next;
        CloseReason reason = null;
        synchronized (this) {
            next = queue.poll();
            if (next == null) {
                sending = false;
                reason = closeWhenDrained;
                closeWhenDrained = null;
            }
        }
        if (next == null) {
            if (reason != null) {
                close(reason);
            }
            return;
        }
        if (!connection.isOpen()) {
            synchronized (this) {
                queue.clear();
                sending = false;
            }
            return;
        }
        connection.sendText(next).subscribe().with(v -> sendNext(), e -> {
            LOG.debugf("send to %s failed: %s", connectionId(), e.toString());
            close(new CloseReason(CLOSE_GOING_AWAY, "send failed"));
        });
    }
}
