package dev.companion.gateway.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.api.ErrorCode;
import dev.companion.gateway.security.RevocationList;
import dev.companion.gateway.security.TokenVerifier;
import dev.companion.gateway.security.VerifiedToken;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Relays a WebSocket to a service: {@code /v1/agents/connect}, the browser agents' socket, which
 * chat-service serves (it holds the agents and authenticates them in-band, like {@code /v1/ws}). The
 * upstream socket is opened first, so a service that is down answers 503 in the envelope; then the client's
 * upgrade is accepted and text and binary messages and the close (with its code) are passed both ways.
 * <p>
 * The relay also reads the in-band {@code {type:"auth", token}} messages as they pass (the client's side is
 * paused meanwhile, so nothing overtakes them): a token on the revocation list is refused here (an
 * {@code error} {@code UNAUTHORIZED} "Token revoked" and close 1008, nothing reaches the service), and the
 * last token each socket authenticated with is kept, so that {@code ws.SocketRevocationCheck} closes the
 * relayed socket, both ways, with 1008 when that token is revoked later (logout, a deleted API token).
 */
@ApplicationScoped
public class WebSocketRelay {

    private static final Logger LOG = Logger.getLogger(WebSocketRelay.class);

    static final short CLOSE_POLICY = 1008;
    static final String REVOKED = "{\"type\":\"error\",\"code\":\"UNAUTHORIZED\",\"message\":\"Token revoked\"}";
    /** Larger text frames are not looked at for a token (an {@code auth} message is small). */
    private static final int MAX_AUTH_MESSAGE = 16 * 1024;

    /** A relayed socket and the token it last authenticated with (null before its first {@code auth}). */
    public static final class Relayed {
        final ServerWebSocket down;
        final WebSocket up;
        volatile VerifiedToken token;

        Relayed(ServerWebSocket down, WebSocket up) {
            this.down = down;
            this.up = up;
        }

        public VerifiedToken token() {
            return token;
        }

        /** Tells the client its token was revoked and closes both sides with 1008. */
        public void closeRevoked() {
            if (!down.isClosed()) {
                down.writeTextMessage(REVOKED).onComplete(x -> {
                    if (!down.isClosed()) {
                        down.close(CLOSE_POLICY, "token revoked");
                    }
                });
            }
            if (!up.isClosed()) {
                up.close(CLOSE_POLICY, "token revoked");
            }
        }
    }

    private final WebSocketClient client;
    private final ErrorReplies errors;
    private final TokenVerifier verifier;
    private final RevocationList revocations;
    private final ObjectMapper mapper;
    private final Set<Relayed> open = ConcurrentHashMap.newKeySet();

    public WebSocketRelay(Vertx vertx, ErrorReplies errors, TokenVerifier verifier, RevocationList revocations, ObjectMapper mapper) {
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(5000).setMaxMessageSize(1 << 20));
        this.errors = errors;
        this.verifier = verifier;
        this.revocations = revocations;
        this.mapper = mapper;
    }

    /** The relayed sockets of this replica that have authenticated. */
    public List<Relayed> authenticated() {
        return open.stream().filter(r -> r.token != null).toList();
    }

    public static boolean isUpgrade(HttpServerRequest request) {
        String upgrade = request.getHeader("Upgrade");
        return upgrade != null && "websocket".equalsIgnoreCase(upgrade.trim());
    }

    public void relay(RoutingContext ctx, Upstream upstream, String path, String clientIp) {
        HttpServerRequest request = ctx.request();
        request.pause();
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(upstream.host()).setPort(upstream.port())
                .setSsl(upstream.tls()).setURI(path)
                .addHeader("X-Forwarded-For", clientIp)
                .addHeader("X-Request-Id", String.valueOf(ctx.<String>get(ProxyRoutes.REQUEST_ID)));
        client.connect(options).onComplete(connected -> {
            if (connected.failed()) {
                LOG.debugf("agent socket upstream %s unavailable: %s", upstream.name(), connected.cause().toString());
                request.resume();
                ctx.response().putHeader("Retry-After", "5");
                errors.send(ctx, ErrorCode.SERVICE_UNAVAILABLE, "Service unavailable", Map.of("service", upstream.name()));
                return;
            }
            WebSocket up = connected.result();
            request.toWebSocket().onComplete(accepted -> {
                if (accepted.failed()) {
                    up.close();
                    return;
                }
                join(accepted.result(), up);
            });
            request.resume();
        });
    }

    private void join(ServerWebSocket down, WebSocket up) {
        Relayed relayed = new Relayed(down, up);
        open.add(relayed);
        down.textMessageHandler(text -> fromClient(relayed, text));
        down.binaryMessageHandler(up::writeBinaryMessage);
        up.textMessageHandler(down::writeTextMessage);
        up.binaryMessageHandler(down::writeBinaryMessage);
        down.closeHandler(v -> {
            open.remove(relayed);
            if (!up.isClosed()) {
                Short code = down.closeStatusCode();
                up.close(code == null ? 1000 : code, down.closeReason());
            }
        });
        up.closeHandler(v -> {
            open.remove(relayed);
            if (!down.isClosed()) {
                Short code = up.closeStatusCode();
                down.close(code == null ? 1000 : code, up.closeReason());
            }
        });
        down.exceptionHandler(t -> up.close());
        up.exceptionHandler(t -> down.close());
    }

    /** Passes a client's text message on; an {@code auth} message only once its token is known not to be revoked. */
    private void fromClient(Relayed relayed, String text) {
        String token = authToken(text);
        if (token == null) {
            relayed.up.writeTextMessage(text);
            return;
        }
        relayed.down.pause();
        verifier.verify(token).onComplete(verified -> {
            if (verified.failed()) {
                // not ours to judge: the service answers an invalid token itself
                relayed.up.writeTextMessage(text);
                relayed.down.resume();
                return;
            }
            revocations.isRevoked(verified.result()).subscribe().with(revoked -> {
                if (revoked) {
                    relayed.closeRevoked();
                    return;
                }
                relayed.token = verified.result();
                relayed.up.writeTextMessage(text);
                relayed.down.resume();
            }, t -> {
                relayed.token = verified.result();
                relayed.up.writeTextMessage(text);
                relayed.down.resume();
            });
        });
    }

    /** The token of an in-band {@code auth} message ({@code auth}, {@code authenticate} or {@code register}), else null. */
    private String authToken(String text) {
        if (text.length() > MAX_AUTH_MESSAGE || !text.contains("token")) {
            return null;
        }
        try {
            JsonNode json = mapper.readTree(text);
            String type = json.path("type").asText("");
            if (!type.equals("auth") && !type.equals("authenticate") && !type.equals("register")) {
                return null;
            }
            String token = json.path("token").asText(null);
            return token == null || token.isBlank() ? null : token;
        } catch (Exception e) {
            return null;
        }
    }
}
