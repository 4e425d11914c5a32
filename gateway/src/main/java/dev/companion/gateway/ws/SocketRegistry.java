package dev.companion.gateway.ws;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The open sockets of this replica, by connection and by user. */
@ApplicationScoped
public class SocketRegistry {

    private final ConcurrentHashMap<String, UserSocket> byConnection = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<UserSocket>> byUser = new ConcurrentHashMap<>();

    void opened(UserSocket socket) {
        byConnection.put(socket.connectionId(), socket);
    }

    UserSocket get(String connectionId) {
        return byConnection.get(connectionId);
    }

    void authenticated(UserSocket socket) {
        byUser.computeIfAbsent(socket.userId(), u -> ConcurrentHashMap.newKeySet()).add(socket);
    }

    UserSocket closed(String connectionId) {
        UserSocket socket = byConnection.remove(connectionId);
        if (socket != null && socket.userId() != null) {
            byUser.computeIfPresent(socket.userId(), (u, set) -> {
                set.remove(socket);
                return set.isEmpty() ? null : set;
            });
        }
        return socket;
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
