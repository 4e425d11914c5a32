package dev.companion.gateway.ws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.companion.gateway.config.GatewayConfig;
import dev.companion.gateway.routing.WebSocketRelay;
import dev.companion.gateway.security.RevocationList;
import dev.companion.gateway.security.VerifiedToken;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.websockets.next.CloseReason;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Every {@code gateway.revocation.socket-check-interval}: looks up the tokens of this replica's
 * authenticated sockets in the revocation list (batched MGETs) and closes each socket whose token was
 * revoked (logout, replayed refresh-token family, a deleted API token) with an {@code error} event and 1008;
 * likewise the agent sockets it relays to chat-service ({@link WebSocketRelay}), closed on both sides.
 */
@ApplicationScoped
public class SocketRevocationCheck {

    private final SocketRegistry registry;
    private final WebSocketRelay relay;
    private final RevocationList revocations;
    private final Vertx vertx;
    private final ObjectMapper mapper;
    private final long intervalMillis;
    private final AtomicBoolean running = new AtomicBoolean();
    private long timer = -1;

    public SocketRevocationCheck(SocketRegistry registry, WebSocketRelay relay, RevocationList revocations, Vertx vertx,
                                 ObjectMapper mapper, GatewayConfig config) {
        this.registry = registry;
        this.relay = relay;
        this.revocations = revocations;
        this.vertx = vertx;
        this.mapper = mapper;
        this.intervalMillis = config.revocation().socketCheckInterval().toMillis();
    }

    void start(@Observes StartupEvent event) {
        if (revocations.enabled()) {
            timer = vertx.setPeriodic(intervalMillis, id -> check());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    void check() {
        if (!running.compareAndSet(false, true)) {
            return; // the previous round is still waiting for Redis
        }
        List<UserSocket> sockets = registry.all().stream().filter(UserSocket::authenticated).toList();
        List<WebSocketRelay.Relayed> relayed = relay.authenticated();
        List<VerifiedToken> tokens = new java.util.ArrayList<>(sockets.stream().map(UserSocket::token).toList());
        relayed.forEach(r -> tokens.add(r.token()));
        revocations.revokedAmong(tokens).subscribe().with(revoked -> {
            running.set(false);
            closeRevoked(sockets, revoked);
            for (WebSocketRelay.Relayed r : relayed) {
                VerifiedToken token = r.token();
                if (token != null && token.jti() != null && revoked.contains(token.jti())) {
                    r.closeRevoked();
                }
            }
        }, e -> running.set(false));
    }

    private void closeRevoked(List<UserSocket> sockets, Set<String> revoked) {
        if (revoked.isEmpty()) {
            return;
        }
        for (UserSocket socket : sockets) {
            VerifiedToken token = socket.token();
            if (token != null && token.jti() != null && revoked.contains(token.jti())) {
                ObjectNode node = mapper.createObjectNode();
                node.put("type", "error");
                ObjectNode error = node.putObject("error");
                error.put("code", "UNAUTHORIZED");
                error.put("message", "Token revoked");
                socket.closeAfter(node.toString(), new CloseReason(UserSocket.CLOSE_POLICY, "token revoked"));
            }
        }
    }
}
