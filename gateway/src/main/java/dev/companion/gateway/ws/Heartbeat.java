package dev.companion.gateway.ws;

import dev.companion.common.api.ErrorResponse;
import dev.companion.gateway.config.GatewayConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.websockets.next.CloseReason;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Every ping interval: sends {@code {"type":"ping","timestamp":…}} to each authenticated socket and
 * drops sockets that showed no sign of life (message or protocol pong) for three intervals.
 */
@ApplicationScoped
public class Heartbeat {

    private final SocketRegistry registry;
    private final Vertx vertx;
    private final long intervalMillis;
    private long timer = -1;

    public Heartbeat(SocketRegistry registry, Vertx vertx, GatewayConfig config) {
        this.registry = registry;
        this.vertx = vertx;
        this.intervalMillis = config.websocket().pingInterval().toMillis();
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(intervalMillis, id -> beat());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    void beat() {
        long now = System.currentTimeMillis();
        String ping = "{\"type\":\"ping\",\"timestamp\":\"" + ErrorResponse.Timestamps.now() + "\"}";
        for (UserSocket socket : registry.all()) {
            if (!socket.authenticated()) {
                continue;
            }
            if (now - socket.lastSeenMillis() > 3 * intervalMillis) {
                socket.close(new CloseReason(UserSocket.CLOSE_GOING_AWAY, "no heartbeat"));
            } else {
                socket.offer(ping);
            }
        }
    }
}
