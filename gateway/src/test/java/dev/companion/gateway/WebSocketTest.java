package dev.companion.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.events.EventEnvelope;
import dev.companion.gateway.support.UpstreamStandIns;
import dev.companion.gateway.ws.SocketRegistry;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "redis", value = "true"))
@QuarkusTestResource(UpstreamStandIns.class)
class WebSocketTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaProducer<String, String> producer;

    @TestHTTPResource("/v1/ws")
    URI ws;

    @Inject
    SocketRegistry sockets;

    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    @BeforeAll
    static void producer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        producer = new KafkaProducer<>(p);
    }

    @AfterAll
    static void closeProducer() {
        producer.close();
    }

    @Test
    void authThenReadyThenPing() throws Exception {
        Client c = connect();
        c.send("{\"type\":\"auth\",\"token\":\"" + TestTokens.forUser("user_wsready0000000000000000") + "\"}");
        JsonNode ready = c.next();
        assertEquals("connection.ready", ready.get("type").asText());
        assertTrue(ready.get("sessionId").asText().matches("session_[0-9a-z]{26}"), ready.toString());
        // the test profile pings every second
        JsonNode ping = c.nextOfType("ping", 5);
        assertTrue(ping.get("timestamp").asText().endsWith("Z"));
        c.send("{\"type\":\"ping\"}");
        assertNotNull(c.nextOfType("pong", 5));
        c.close();
    }

    @Test
    void theSeedsAuthenticateMessageWorksToo() throws Exception {
        Client c = connect();
        c.send("{\"type\":\"authenticate\",\"token\":\"" + TestTokens.forUser("user_wsauthenticate0000000000") + "\"}");
        assertEquals("connection.ready", c.next().get("type").asText());
        c.close();
    }

    @Test
    void aBadTokenGetsAnErrorAndTheSocketIsClosed() throws Exception {
        Client c = connect();
        c.send("{\"type\":\"auth\",\"token\":\"" + TestTokens.expired("user_wsexpired00000000000000") + "\"}");
        JsonNode error = c.next();
        assertEquals("error", error.get("type").asText());
        assertEquals("UNAUTHORIZED", error.get("error").get("code").asText());
        assertEquals(1008, c.closeCode.get(5, TimeUnit.SECONDS));
    }

    @Test
    void noAuthWithinTheDeadlineClosesTheSocket() throws Exception {
        Client c = connect();
        // the test profile gives 2 s
        JsonNode error = c.next();
        assertEquals("error", error.get("type").asText());
        assertEquals("Authentication timeout", error.get("error").get("message").asText());
        assertEquals(1008, c.closeCode.get(5, TimeUnit.SECONDS));
    }

    @Test
    void eventsReachEverySocketOfTheirUserAndNoOtherInOrder() throws Exception {
        String userA = "user_wsfanouta00000000000000";
        String userB = "user_wsfanoutb00000000000000";
        Client a1 = authenticated(userA);
        Client a2 = authenticated(userA);
        Client b = authenticated(userB);

        // the consumer starts at the latest offset: wait until it is reading
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            publish("chat.events", "chat_probe", "chat.updated", userA, Map.of("id", "chat_probe"));
            return a1.received.stream().anyMatch(m -> m.get("type").asText().equals("chat.updated"));
        });

        for (int i = 0; i < 5; i++) {
            publish("chat.stream", "chat_a", "message.chunk", userA,
                    Map.of("chatId", "chat_a", "messageId", "msg_a", "content", "part" + i, "index", i));
        }
        publish("chat.stream", "chat_b", "message.chunk", userB,
                Map.of("chatId", "chat_b", "messageId", "msg_b", "content", "secret of B", "index", 0));
        publish("image.events", "img_gen_a", "image.progress", userA,
                Map.of("generationId", "img_gen_a", "progress", 45, "status", "generating"));
        publish("download.events", userA, "download.ready", userA,
                Map.of("downloadId", "dl_a", "type", "bulk", "downloadUrl", "http://x/dl_a.zip", "fileCount", 2));

        for (Client a : List.of(a1, a2)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> chunks(a, "chat_a").size() == 5
                    && a.has("image.progress") && a.has("download.ready"));
            List<JsonNode> chunks = chunks(a, "chat_a");
            for (int i = 0; i < 5; i++) {
                assertEquals(i, chunks.get(i).get("index").asInt());
                assertEquals("part" + i, chunks.get(i).get("content").asText());
                assertEquals("msg_a", chunks.get(i).get("messageId").asText());
            }
            JsonNode progress = a.first("image.progress");
            assertEquals("img_gen_a", progress.get("generationId").asText());
            assertEquals(45, progress.get("progress").asInt());
            JsonNode ready = a.first("download.ready");
            assertEquals("dl_a", ready.get("downloadId").asText());
            assertEquals("bulk", ready.get("downloadType").asText());
            assertTrue(a.received.stream().noneMatch(m -> m.toString().contains("chat_b")), "A saw B's event");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> chunks(b, "chat_b").size() == 1);
        assertTrue(b.received.stream().noneMatch(m -> m.toString().contains("chat_a") || m.toString().contains("img_gen_a")
                || m.toString().contains("dl_a")), "B saw A's events");
        a1.close();
        a2.close();
        b.close();
    }

    @Test
    void aCompletionThatOvertakesItsChunksIsHeldUntilTheyAreDelivered() throws Exception {
        String user = "user_wsholdcomplete000000000";
        Client c = authenticated(user);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            publish("chat.events", "chat_probe", "chat.updated", user, Map.of("id", "chat_probe"));
            return c.has("chat.updated");
        });
        // the first chunk is out; then the completion (chat.events) overtakes the last two (chat.stream)
        publish("chat.stream", "chat_h", "message.chunk", user,
                Map.of("chatId", "chat_h", "messageId", "msg_h", "content", "Hel", "index", 0));
        await().atMost(Duration.ofSeconds(20)).until(() -> chunks(c, "chat_h").size() == 1);
        publish("chat.events", "chat_h", "message.complete", user, Map.of("chatId", "chat_h", "messageId", "msg_h",
                "fullContent", "Hello world", "usage", Map.of("promptTokens", 3, "completionTokens", 3, "totalTokens", 6)));
        publish("chat.stream", "chat_h", "message.chunk", user,
                Map.of("chatId", "chat_h", "messageId", "msg_h", "content", "lo ", "index", 1));
        publish("chat.stream", "chat_h", "message.chunk", user,
                Map.of("chatId", "chat_h", "messageId", "msg_h", "content", "world", "index", 2));
        await().atMost(Duration.ofSeconds(20)).until(() -> c.has("message.complete"));
        List<String> order = c.received.stream().filter(m -> m.toString().contains("msg_h"))
                .map(m -> m.get("type").asText() + m.path("index").asText()).toList();
        assertEquals(List.of("message.chunk0", "message.chunk1", "message.chunk2", "message.complete"), order);

        // a completion whose text never comes (a replica that joined mid-answer) goes out after the hold
        publish("chat.stream", "chat_h", "message.chunk", user,
                Map.of("chatId", "chat_h", "messageId", "msg_lost", "content", "He", "index", 0));
        await().atMost(Duration.ofSeconds(20)).until(() -> c.received.stream()
                .anyMatch(m -> "msg_lost".equals(m.path("messageId").asText())));
        publish("chat.events", "chat_h", "message.complete", user, Map.of("chatId", "chat_h", "messageId", "msg_lost",
                "fullContent", "Hello", "usage", Map.of("promptTokens", 1, "completionTokens", 1, "totalTokens", 2)));
        await().atMost(Duration.ofSeconds(20)).until(() -> c.received.stream()
                .anyMatch(m -> "message.complete".equals(m.path("type").asText()) && "msg_lost".equals(m.path("messageId").asText())));
        c.close();
    }

    @Test
    void aUsersSocketBeyondTheBudgetClosesItsOldestWith1008() throws Exception {
        // the test profile allows 3 sockets per user
        String user = "user_wsbudgetuser00000000000";
        Client first = authenticated(user);
        Client second = authenticated(user);
        Client third = authenticated(user);
        Client fourth = authenticated(user);
        JsonNode error = first.nextOfType("error", 5);
        assertEquals("RATE_LIMIT", error.get("error").get("code").asText());
        assertEquals(1008, first.closeCode.get(5, TimeUnit.SECONDS));
        for (Client kept : List.of(second, third, fourth)) {
            assertFalse(kept.closeCode.isDone(), "a newer socket was closed");
        }
        // another user is not affected by this one's budget
        Client other = authenticated("user_wsbudgetother0000000000");
        assertFalse(second.closeCode.isDone());
        for (Client c : List.of(second, third, fourth, other)) {
            c.close();
        }
    }

    @Test
    void anAddressBeyondItsSocketBudgetIsRefusedAndTheOthersStay() throws Exception {
        // the test profile allows 12 sockets per address; wait for other tests' sockets to be gone
        await().atMost(Duration.ofSeconds(20)).until(() -> sockets.openSockets() == 0);
        List<Client> open = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            open.add(connect());
        }
        // the replica's socket gauge (/q/metrics companion_gateway_sockets) counts them
        await().atMost(Duration.ofSeconds(5)).until(() -> meters.get("companion.gateway.sockets").gauge().value() == 12.0);
        Client refused = connect();
        JsonNode error = refused.next();
        assertEquals("RATE_LIMIT", error.get("error").get("code").asText());
        assertEquals(1008, refused.closeCode.get(5, TimeUnit.SECONDS));
        // the twelve that fit still authenticate
        open.get(11).send("{\"type\":\"auth\",\"token\":\"" + TestTokens.forUser("user_wsbudgetaddr00000000000") + "\"}");
        assertEquals("connection.ready", open.get(11).next().get("type").asText());
        open.forEach(Client::close);
        // closing frees the address's budget
        await().atMost(Duration.ofSeconds(20)).until(() -> sockets.openSockets() == 0);
        Client again = connect();
        again.send("{\"type\":\"auth\",\"token\":\"" + TestTokens.forUser("user_wsbudgetaddr00000000000") + "\"}");
        assertEquals("connection.ready", again.next().get("type").asText());
        again.close();
    }

    private static List<JsonNode> chunks(Client c, String chatId) {
        return c.received.stream().filter(m -> m.get("type").asText().equals("message.chunk")
                && m.get("chatId").asText().equals(chatId)).toList();
    }

    private static void publish(String topic, String key, String type, String userId, Map<String, Object> data) throws Exception {
        EventEnvelope e = EventEnvelope.create(type, userId, "req_wstest", JSON.valueToTree(data));
        producer.send(new ProducerRecord<>(topic, key, JSON.writeValueAsString(e))).get(10, TimeUnit.SECONDS);
    }

    private Client authenticated(String userId) throws Exception {
        Client c = connect();
        c.send("{\"type\":\"auth\",\"token\":\"" + TestTokens.forUser(userId) + "\"}");
        assertEquals("connection.ready", c.next().get("type").asText());
        return c;
    }

    private Client connect() throws Exception {
        Client c = new Client();
        URI uri = URI.create(ws.toString().replaceFirst("^http", "ws"));
        c.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, c).get(10, TimeUnit.SECONDS);
        return c;
    }

    /** A WebSocket client that keeps every message it got and how it was closed. */
    static final class Client implements WebSocket.Listener {
        final LinkedBlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
        final List<JsonNode> received = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode node = JSON.readTree(partial.toString());
                    received.add(node);
                    inbox.add(node);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }

        void send(String text) throws Exception {
            socket.sendText(text, true).get(5, TimeUnit.SECONDS);
        }

        JsonNode next() throws InterruptedException {
            JsonNode n = inbox.poll(10, TimeUnit.SECONDS);
            assertNotNull(n, "no message within 10 s");
            return n;
        }

        JsonNode nextOfType(String type, int seconds) throws InterruptedException {
            long until = System.currentTimeMillis() + seconds * 1000L;
            while (System.currentTimeMillis() < until) {
                JsonNode n = inbox.poll(until - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
                if (n != null && n.get("type").asText().equals(type)) {
                    return n;
                }
            }
            throw new AssertionError("no " + type + " within " + seconds + " s");
        }

        boolean has(String type) {
            return received.stream().anyMatch(m -> m.get("type").asText().equals(type));
        }

        JsonNode first(String type) {
            return received.stream().filter(m -> m.get("type").asText().equals(type)).findFirst().orElseThrow();
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }
}
