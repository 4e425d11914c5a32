package dev.companion.gateway.ws;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-socket queue: in order, one send at a time, and a socket whose client stops reading is
 * closed with 1013 once its queue is full. The connection is a recording stand-in whose sends
 * complete only when the test says so (a client that stopped reading).
 */
class UserSocketTest {

    private final List<String> sent = new ArrayList<>();
    private final List<UniEmitter<? super Void>> pending = new ArrayList<>();
    private final AtomicReference<CloseReason> closed = new AtomicReference<>();
    private final AtomicBoolean open = new AtomicBoolean(true);

    private final WebSocketConnection connection = (WebSocketConnection) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[]{WebSocketConnection.class}, (proxy, method, args) -> switch (method.getName()) {
                case "id" -> "conn-1";
                case "isOpen" -> open.get();
                case "sendText" -> Uni.createFrom().<Void>emitter(e -> {
                    sent.add((String) args[0]);
                    pending.add(e);
                });
                case "close" -> {
                    closed.set((CloseReason) args[0]);
                    open.set(false);
                    yield Uni.createFrom().voidItem();
                }
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "toString" -> "conn-1";
                default -> throw new UnsupportedOperationException(method.getName());
            });

    @Test
    void messagesGoOutInOrderOneAtATime() {
        UserSocket socket = new UserSocket(connection, "127.0.0.1", 10);
        assertTrue(socket.offer("a"));
        assertTrue(socket.offer("b"));
        assertTrue(socket.offer("c"));
        assertEquals(List.of("a"), sent, "the next send waits for the previous one");
        pending.get(0).complete(null);
        pending.get(1).complete(null);
        assertEquals(List.of("a", "b", "c"), sent);
    }

    @Test
    void aClientThatStopsReadingIsClosedWhenItsQueueOverflows() {
        UserSocket socket = new UserSocket(connection, "127.0.0.1", 3);
        assertTrue(socket.offer("m0"));
        // m0 is stuck in flight; three more fill the queue
        assertTrue(socket.offer("m1"));
        assertTrue(socket.offer("m2"));
        assertTrue(socket.offer("m3"));
        assertFalse(socket.offer("m4"));
        assertNotNull(closed.get());
        assertEquals(UserSocket.CLOSE_OVERFLOW, closed.get().getCode());
        assertEquals("outbound buffer overflow", closed.get().getMessage());
        assertFalse(socket.offer("m5"), "a closing socket takes nothing more");
    }

    @Test
    void closeAfterSendsTheLastWordFirst() {
        UserSocket socket = new UserSocket(connection, "127.0.0.1", 10);
        socket.closeAfter("{\"type\":\"error\"}", new CloseReason(UserSocket.CLOSE_POLICY, "invalid token"));
        assertEquals(List.of("{\"type\":\"error\"}"), sent);
        assertEquals(null, closed.get(), "closes only after the error event is written");
        pending.get(0).complete(null);
        assertEquals(UserSocket.CLOSE_POLICY, closed.get().getCode());
    }
}
