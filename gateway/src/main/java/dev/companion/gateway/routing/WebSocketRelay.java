package dev.companion.gateway.routing;

import dev.companion.common.api.ErrorCode;
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

import java.util.Map;

/**
 * Relays a WebSocket to a service: {@code /v1/agents/connect}, the browser agents' socket, which
 * chat-service serves (it holds the agents and authenticates them in-band, like {@code /v1/ws}). The
 * upstream socket is opened first, so a service that is down answers 503 in the envelope; then the client's
 * upgrade is accepted and text and binary messages and the close (with its code) are passed both ways.
 */
@ApplicationScoped
public class WebSocketRelay {

    private static final Logger LOG = Logger.getLogger(WebSocketRelay.class);

    private final WebSocketClient client;
    private final ErrorReplies errors;

    public WebSocketRelay(Vertx vertx, ErrorReplies errors) {
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(5000).setMaxMessageSize(1 << 20));
        this.errors = errors;
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

    private static void join(ServerWebSocket down, WebSocket up) {
        down.textMessageHandler(up::writeTextMessage);
        down.binaryMessageHandler(up::writeBinaryMessage);
        up.textMessageHandler(down::writeTextMessage);
        up.binaryMessageHandler(down::writeBinaryMessage);
        down.closeHandler(v -> {
            if (!up.isClosed()) {
                Short code = down.closeStatusCode();
                up.close(code == null ? 1000 : code, down.closeReason());
            }
        });
        up.closeHandler(v -> {
            if (!down.isClosed()) {
                Short code = up.closeStatusCode();
                down.close(code == null ? 1000 : code, up.closeReason());
            }
        });
        down.exceptionHandler(t -> up.close());
        up.exceptionHandler(t -> down.close());
    }
}
