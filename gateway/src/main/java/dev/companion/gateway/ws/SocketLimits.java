package dev.companion.gateway.ws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.companion.gateway.config.GatewayConfig;
import dev.companion.gateway.ratelimit.RateLimiter;
import dev.companion.gateway.ratelimit.UserLimit;
import dev.companion.gateway.security.VerifiedToken;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The quota meter on the socket: the limits array of {@code GET /v1/user/limits} on
 * {@code connection.ready}, and {@code limits.updated} (the whole array again) whenever one
 * feature's {@code remaining} moved by more than 10 % of its {@code total} since the socket was last
 * told. A request this replica counts triggers the check at once ({@link #counted}); every
 * {@code gateway.websocket.limits-refresh-interval} each socket's limits are read again from the
 * shared store, which covers requests counted by other replicas and windows that ended.
 */
@ApplicationScoped
public class SocketLimits {

    public static final String UPDATED = "limits.updated";
    private static final Logger LOG = Logger.getLogger(SocketLimits.class);

    private final SocketRegistry registry;
    private final RateLimiter rateLimiter;
    private final ObjectMapper mapper;
    private final Vertx vertx;
    private final long intervalMillis;
    private long timer = -1;

    public SocketLimits(SocketRegistry registry, RateLimiter rateLimiter, ObjectMapper mapper, Vertx vertx, GatewayConfig config) {
        this.registry = registry;
        this.rateLimiter = rateLimiter;
        this.mapper = mapper;
        this.vertx = vertx;
        this.intervalMillis = config.websocket().limitsRefreshInterval().toMillis();
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(intervalMillis, id -> registry.all().stream().filter(UserSocket::authenticated).forEach(this::refresh));
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** The limits a socket of {@code token} from {@code address} starts with (for {@code connection.ready}). */
    Uni<List<UserLimit>> read(VerifiedToken token, String address) {
        return rateLimiter.limits(token.userId(), token.plan(), address);
    }

    /** Remembers what the socket was told. */
    static void told(UserSocket socket, List<UserLimit> limits) {
        Map<String, Long> sent = new HashMap<>();
        limits.forEach(l -> sent.put(l.feature(), l.remaining()));
        socket.limitsSent(Map.copyOf(sent));
    }

    /**
     * A request of {@code userId} was counted against {@code feature} here, leaving {@code remaining}
     * of {@code total}: each of the user's sockets on this replica that last heard a value more than
     * 10 % away reads the whole array again and gets {@code limits.updated}.
     */
    public void counted(String userId, String feature, long remaining, long total) {
        if (userId == null) {
            return;
        }
        Set<UserSocket> sockets = registry.socketsOf(userId);
        for (UserSocket socket : sockets) {
            Long before = socket.limitsSent().get(feature);
            if (before != null && new UserLimit(feature, remaining, total, null).changedMuchSince(before)) {
                refresh(socket);
            }
        }
    }

    /** Reads the socket's limits; sends {@code limits.updated} when one moved by more than 10 %. */
    void refresh(UserSocket socket) {
        VerifiedToken token = socket.token();
        if (token == null) {
            return;
        }
        read(token, socket.address()).subscribe().with(limits -> {
            boolean changed;
            // compare and remember in one step: two reads in flight (a request and the periodic round) send one event
            synchronized (socket) {
                Map<String, Long> sent = socket.limitsSent();
                changed = limits.stream().anyMatch(l -> {
                    Long before = sent.get(l.feature());
                    return before == null || l.changedMuchSince(before);
                });
                if (changed) {
                    told(socket, limits);
                }
            }
            if (changed) {
                socket.offer(event(UPDATED, limits).toString());
            }
        }, failure -> LOG.debugf("limits of socket %s not read: %s", socket.connectionId(), failure.toString()));
    }

    ObjectNode event(String type, List<UserLimit> limits) {
        ObjectNode node = mapper.createObjectNode();
        node.put("type", type);
        node.set("limits", mapper.valueToTree(limits));
        return node;
    }
}
