package dev.companion.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.companion.common.api.ErrorResponse;
import dev.companion.common.id.Ids;
import dev.companion.gateway.config.GatewayConfig;
import dev.companion.gateway.security.RevocationList;
import dev.companion.gateway.security.TokenVerifier;
import dev.companion.gateway.security.VerifiedToken;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.time.Instant;

/**
 * {@code /v1/ws}: the client authenticates with {@code {"type":"auth","token":…}} (or
 * {@code authenticate}) within the auth timeout, gets {@code connection.ready} with a session id,
 * (and its {@code limits}, see {@link SocketLimits}), then receives its events and a periodic {@code ping}. No or bad token: an {@code error} event and
 * close 1008. A further {@code auth} with a newer token of the same user extends the socket
 * ({@code token.renewed}); {@code token.expiring} comes {@code expiry-warning} before the token ends,
 * and the socket is closed when it expires or is revoked ({@link SocketRevocationCheck}). Budgets: a client address holding
 * {@code max-sockets-per-ip} open sockets has its next one refused, and a user's socket beyond
 * {@code max-sockets-per-user} closes that user's oldest (both an {@code error} event with
 * {@code RATE_LIMIT}, then 1008).
 */
@WebSocket(path = "/v1/ws")
public class EventSocket {

    private final SocketRegistry registry;
    private final TokenVerifier tokens;
    private final ObjectMapper mapper;
    private final Vertx vertx;
    private final GatewayConfig.Ws config;
    private final RevocationList revocations;
    private final SocketLimits limits;

    public EventSocket(SocketRegistry registry, TokenVerifier tokens, ObjectMapper mapper, Vertx vertx, GatewayConfig config,
                       RevocationList revocations, SocketLimits limits) {
        this.limits = limits;
        this.revocations = revocations;
        this.registry = registry;
        this.tokens = tokens;
        this.mapper = mapper;
        this.vertx = vertx;
        this.config = config.websocket();
    }

    @OnOpen
    @NonBlocking
    public void onOpen(WebSocketConnection connection) {
        UserSocket socket = new UserSocket(connection, addressOf(connection), config.maxQueuedMessages());
        if (!registry.opened(socket, config.maxSocketsPerIp())) {
            socket.closeAfter(error("RATE_LIMIT", "Too many sockets from this address (at most " + config.maxSocketsPerIp() + ")"),
                    new CloseReason(UserSocket.CLOSE_POLICY, "too many sockets from this address"));
            return;
        }
        socket.authTimer(vertx.setTimer(config.authTimeout().toMillis(), id -> {
            if (!socket.authenticated()) {
                socket.closeAfter(error("UNAUTHORIZED", "Authentication timeout"),
                        new CloseReason(UserSocket.CLOSE_POLICY, "authentication timeout"));
            }
        }));
    }

    @OnTextMessage
    @NonBlocking
    public void onMessage(String message, WebSocketConnection connection) {
        UserSocket socket = registry.get(connection.id());
        if (socket == null) {
            return;
        }
        socket.seen();
        JsonNode json;
        try {
            json = mapper.readTree(message);
        } catch (Exception e) {
            json = null;
        }
        String type = json != null && json.hasNonNull("type") ? json.get("type").asText() : null;
        if ("auth".equals(type) || "authenticate".equals(type)) {
            authenticate(socket, json.hasNonNull("token") ? json.get("token").asText() : null);
        } else if (!socket.authenticated()) {
            socket.closeAfter(error("UNAUTHORIZED", "Authenticate first"), new CloseReason(UserSocket.CLOSE_POLICY, "authentication required"));
        } else if ("ping".equals(type)) {
            socket.offer(timestamped("pong"));
        } else if (!"pong".equals(type)) {
            socket.offer(error("VALIDATION_ERROR", type == null ? "Message must be JSON with a type" : "Unknown message type: " + type));
        }
    }

    @OnPongMessage
    @NonBlocking
    public void onPong(Buffer data, WebSocketConnection connection) {
        UserSocket socket = registry.get(connection.id());
        if (socket != null) {
            socket.seen();
        }
    }

    @OnClose
    @NonBlocking
    public void onClose(WebSocketConnection connection) {
        UserSocket socket = registry.closed(connection.id());
        if (socket != null) {
            vertx.cancelTimer(socket.authTimer());
            if (socket.expiryTimer() >= 0) {
                vertx.cancelTimer(socket.expiryTimer());
            }
            if (socket.warningTimer() >= 0) {
                vertx.cancelTimer(socket.warningTimer());
            }
        }
    }

    private void authenticate(UserSocket socket, String token) {
        tokens.verify(token)
                .onSuccess(verified -> revocations.isRevoked(verified).subscribe().with(revoked -> {
                    if (revoked) {
                        socket.closeAfter(error("UNAUTHORIZED", "Token revoked"), new CloseReason(UserSocket.CLOSE_POLICY, "token revoked"));
                    } else if (socket.authenticated()) {
                        renew(socket, verified);
                    } else {
                        // the quota meter rides on connection.ready; without the store it comes with the first limits.updated
                        limits.read(verified, socket.address()).subscribe().with(
                                read -> admit(socket, verified, read),
                                failure -> admit(socket, verified, null));
                    }
                }))
                .onFailure(e -> socket.closeAfter(error("UNAUTHORIZED", "Invalid or expired token"),
                        new CloseReason(UserSocket.CLOSE_POLICY, "invalid token")));
    }

    private void admit(UserSocket socket, VerifiedToken verified, java.util.List<dev.companion.gateway.ratelimit.UserLimit> startLimits) {
        vertx.cancelTimer(socket.authTimer());
        if (registry.get(socket.connectionId()) == null) {
            return; // closed while its token was being verified
        }
        // connection.ready is queued before the socket counts as authenticated, so nothing (a ping, an
        // event) can reach the client ahead of it
        String sessionId = Ids.newId("session");
        ObjectNode ready = mapper.createObjectNode();
        ready.put("type", "connection.ready");
        ready.put("sessionId", sessionId);
        ready.put("expiresAt", Instant.ofEpochMilli(verified.expiresAtMillis()).toString());
        if (startLimits != null) {
            ready.set("limits", mapper.valueToTree(startLimits));
            SocketLimits.told(socket, startLimits);
        }
        socket.offer(ready.toString());
        socket.authenticated(verified, sessionId);
        registry.authenticated(socket, config.maxSocketsPerUser()).ifPresent(oldest -> oldest.closeAfter(
                error("RATE_LIMIT", "Too many sockets for this user (at most " + config.maxSocketsPerUser()
                        + "); the oldest was closed"),
                new CloseReason(UserSocket.CLOSE_POLICY, "too many sockets for this user")));
        scheduleExpiry(socket, verified);
    }

    /**
     * A fresh {@code auth} on a live socket: the same user's newer token extends it (new expiry,
     * {@code token.renewed}); another user's token closes it, as it cannot become someone else's.
     */
    private void renew(UserSocket socket, VerifiedToken verified) {
        if (!verified.userId().equals(socket.userId())) {
            socket.closeAfter(error("UNAUTHORIZED", "Token of another user"), new CloseReason(UserSocket.CLOSE_POLICY, "token of another user"));
            return;
        }
        socket.renewed(verified);
        scheduleExpiry(socket, verified);
        ObjectNode renewed = mapper.createObjectNode();
        renewed.put("type", "token.renewed");
        renewed.put("sessionId", socket.sessionId());
        renewed.put("expiresAt", Instant.ofEpochMilli(verified.expiresAtMillis()).toString());
        socket.offer(renewed.toString());
    }

    /** {@code token.expiring} {@code expiry-warning} before the token's end, then close 1008 at its end. */
    private void scheduleExpiry(UserSocket socket, VerifiedToken verified) {
        if (socket.expiryTimer() >= 0) {
            vertx.cancelTimer(socket.expiryTimer());
        }
        if (socket.warningTimer() >= 0) {
            vertx.cancelTimer(socket.warningTimer());
            socket.warningTimer(-1);
        }
        long untilExpiry = verified.expiresAtMillis() - System.currentTimeMillis();
        long untilWarning = untilExpiry - config.expiryWarning().toMillis();
        String expiring = expiringEvent(verified);
        if (untilWarning > 0) {
            socket.warningTimer(vertx.setTimer(untilWarning, id -> socket.offer(expiring)));
        } else {
            socket.offer(expiring);
        }
        socket.expiryTimer(vertx.setTimer(Math.max(1, untilExpiry), id -> socket.closeAfter(
                error("UNAUTHORIZED", "Token expired"), new CloseReason(UserSocket.CLOSE_POLICY, "token expired"))));
    }

    private String expiringEvent(VerifiedToken verified) {
        ObjectNode node = mapper.createObjectNode();
        node.put("type", "token.expiring");
        node.put("expiresAt", Instant.ofEpochMilli(verified.expiresAtMillis()).toString());
        return node.toString();
    }

    /** The client's address from {@code host:port} (IPv6 kept whole). */
    static String addressOf(WebSocketConnection connection) {
        String remote = connection.handshakeRequest().remoteAddress();
        if (remote == null || remote.isBlank()) {
            return "unknown";
        }
        int colon = remote.lastIndexOf(':');
        return colon > 0 ? remote.substring(0, colon) : remote;
    }

    private String error(String code, String message) {
        ObjectNode node = mapper.createObjectNode();
        node.put("type", "error");
        ObjectNode error = node.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return node.toString();
    }

    String timestamped(String type) {
        ObjectNode node = mapper.createObjectNode();
        node.put("type", type);
        node.put("timestamp", ErrorResponse.Timestamps.now());
        return node.toString();
    }
}
