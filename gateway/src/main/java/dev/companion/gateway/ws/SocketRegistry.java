package dev.companion.gateway.ws;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open sockets of this replica, by connection, by user and by client address, with the budgets
 * {@code gateway.websocket.max-sockets-per-ip} (checked when a socket opens) and
 * {@code max-sockets-per-user} (checked when it authenticates).
 */
@ApplicationScoped
public class SocketRegistry {

    private final ConcurrentHashMap<String, UserSocket> byConnection = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<UserSocket>> byUser = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> byAddress = new ConcurrentHashMap<>();

    public SocketRegistry(MeterRegistry registry) {
        Gauge.builder("companion.gateway.sockets", byConnection, Map::size)
                .description("WebSockets open on this replica").register(registry);
        Gauge.builder("companion.gateway.socket_users", byUser, Map::size)
                .description("Users with at least one authenticated socket on this replica").register(registry);
    }

    /** Registers a new socket unless its address already holds {@code maxPerAddress}; false if refused. */
    boolean opened(UserSocket socket, int maxPerAddress) {
        boolean[] admitted = {false};
        byAddress.compute(socket.address(), (a, n) -> {
            int open = n == null ? 0 : n;
            if (open >= maxPerAddress) {
                return n;
            }
            admitted[0] = true;
            return open + 1;
        });
        if (admitted[0]) {
            byConnection.put(socket.connectionId(), socket);
        }
        return admitted[0];
    }

    /** Sockets open from {@code address} on this replica. */
    public int openFrom(String address) {
        return byAddress.getOrDefault(address, 0);
    }

    UserSocket get(String connectionId) {
        return byConnection.get(connectionId);
    }

    /**
     * Adds an authenticated socket to its user's; answers the user's oldest socket when the user now
     * holds more than {@code maxPerUser} (the caller closes it; it no longer receives events).
     */
    Optional<UserSocket> authenticated(UserSocket socket, int maxPerUser) {
        UserSocket[] evicted = {null};
        byUser.compute(socket.userId(), (u, set) -> {
            Set<UserSocket> sockets = set == null ? ConcurrentHashMap.newKeySet() : set;
            sockets.add(socket);
            if (sockets.size() > maxPerUser) {
                evicted[0] = sockets.stream().filter(s -> s != socket)
                        .min(Comparator.comparingLong(UserSocket::authenticatedAt)).orElse(null);
                sockets.remove(evicted[0]);
            }
            return sockets;
        });
        return Optional.ofNullable(evicted[0]);
    }

    UserSocket closed(String connectionId) {
        UserSocket socket = byConnection.remove(connectionId);
        if (socket == null) {
            return null;
        }
        byAddress.computeIfPresent(socket.address(), (a, n) -> n <= 1 ? null : n - 1);
        if (socket.userId() != null) {
            byUser.computeIfPresent(socket.userId(), (u, set) -> {
                set.remove(socket);
                return set.isEmpty() ? null : set;
            });
        }
        return socket;
    }

    /** The authenticated sockets of {@code userId} on this replica (empty when it has none). */
    Set<UserSocket> socketsOf(String userId) {
        Set<UserSocket> sockets = byUser.get(userId);
        return sockets == null ? Set.of() : sockets;
    }

    Collection<UserSocket> all() {
        return byConnection.values();
    }

    /** Queues {@code text} on every socket of {@code userId}; answers how many took it. */
    public int deliver(String userId, String text) {
        Set<UserSocket> sockets = byUser.get(userId);
        if (sockets == null) {
            return 0;
        }
        int n = 0;
        for (UserSocket s : sockets) {
            if (s.offer(text)) {
                n++;
            }
        }
        return n;
    }

    public int openSockets() {
        return byConnection.size();
    }
}
