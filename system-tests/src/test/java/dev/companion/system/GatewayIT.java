package dev.companion.system;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.infra.LocalStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway as the extension meets it: route table, rate limits, WebSocket protocol, a dead upstream. */
@ExtendWith(SystemStack.class)
class GatewayIT {

    @Test
    void eachPrefixReachesItsService(ApiClient anonymous) {
        Login.User user = Login.newUser(anonymous, "router");
        assertTrue(user.api().get("/v1/user/profile").data().has("usage"), "auth-service");
        assertTrue(user.api().get("/v1/projects").data().has("projects"), "project-service");
        assertTrue(user.api().get("/v1/images").data().has("images"), "image-service");
        assertTrue(user.api().get("/v1/downloads/history").data().has("downloads"), "download-service");
        ApiClient.Result chat = user.api().get("/v1/chats/chat_01aaaaaaaaaaaaaaaaaaaaaaaa");
        assertEquals(404, chat.status(), chat.raw());
        assertEquals("NOT_FOUND", chat.errorCode(), "chat-service answers in the envelope");
        assertEquals(200, anonymous.get("/.well-known/jwks.json").status(), "public JWKS through the gateway");
    }

    @Test
    void rateLimitHeadersCountDownAndTheLimitAnswers429WithRetryAfter(ApiClient anonymous) {
        Login.User user = Login.newUser(anonymous, "limited");
        ApiClient.Result first = user.api().get("/v1/downloads/history");
        int limit = Integer.parseInt(first.header("X-RateLimit-Limit"));
        int remaining = Integer.parseInt(first.header("X-RateLimit-Remaining"));
        assertEquals(100, limit, "the seed's /downloads/* limit");
        assertEquals(limit - 1, remaining);
        assertNotNull(first.header("X-RateLimit-Reset"));
        assertNotNull(first.header("X-RateLimit-Reset-After"));
        ApiClient.Result second = user.api().get("/v1/downloads/history");
        assertEquals(remaining - 1, Integer.parseInt(second.header("X-RateLimit-Remaining")));
        ApiClient.Result last = second;
        for (int i = 2; i <= limit; i++) {
            last = user.api().get("/v1/downloads/history");
        }
        assertEquals(429, last.status(), last.raw());
        assertEquals("RATE_LIMIT", last.errorCode());
        assertTrue(Integer.parseInt(last.header("Retry-After")) > 0);
        // another user's budget is untouched
        Login.User fresh = Login.newUser(anonymous, "unlimited");
        assertEquals(200, fresh.api().get("/v1/downloads/history").status());
    }

    @Test
    void socketAuthReadyPingAndBadTokenClose(ApiClient anonymous) {
        Login.User user = Login.newUser(anonymous, "socket");
        try (EventSocket socket = user.api().openSocket()) {
            socket.sendJson(Map.of("type", "authenticate", "token", user.accessToken()));
            JsonNode ready = socket.await(m -> "connection.ready".equals(m.path("type").asText()), Duration.ofSeconds(10));
            assertTrue(ready.path("sessionId").asText().startsWith("session_"), ready.toString());
            socket.await(m -> "ping".equals(m.path("type").asText()), Duration.ofSeconds(10));
        }
        try (EventSocket bad = anonymous.openSocket()) {
            bad.sendJson(Map.of("type", "auth", "token", "forged.token.value"));
            bad.awaitClose(Duration.ofSeconds(10));
            assertTrue(bad.ofType("connection.ready").isEmpty());
        }
    }

    @Test
    void eventsReachEverySocketOfTheirUserAndNoOneElse(ApiClient anonymous) throws Exception {
        Login.User alice = Login.newUser(anonymous, "alice-ws");
        Login.User bob = Login.newUser(anonymous, "bob-ws");
        String projectId = alice.api().post("/v1/projects", Map.of("name", "Socket project")).data().path("id").asText();
        // read-your-writes: the chat right after its project, no waiting for project.events
        ApiClient.Result chat = alice.api().post("/v1/projects/" + projectId + "/chats", Map.of("name", "Live", "model", "offline-echo"));
        assertEquals(201, chat.status(), chat.raw());
        String chatId = chat.data().path("id").asText();
        try (EventSocket a1 = alice.api().connect(); EventSocket a2 = alice.api().connect(); EventSocket b = bob.api().connect()) {
            ApiClient.Result sent = alice.api().post("/v1/chats/" + chatId + "/messages", Map.of("content", "Explain React hooks with examples"));
            assertEquals("sending", sent.data().path("status").asText(), sent.raw());
            for (EventSocket s : List.of(a1, a2)) {
                s.await(m -> "message.complete".equals(m.path("type").asText()) && chatId.equals(m.path("chatId").asText()), Duration.ofSeconds(60));
            }
            // a fence instead of a quiet second: bob's own event comes through the same fan-out after alice's
            String bobsProject = bob.api().post("/v1/projects", Map.of("name", "Bob's fence")).data().path("id").asText();
            ApiClient.Result bobsChat = bob.api().post("/v1/projects/" + bobsProject + "/chats", Map.of("name", "Fence"));
            assertEquals(201, bobsChat.status(), bobsChat.raw());
            String fence = bobsChat.data().path("id").asText();
            b.await(m -> "chat.created".equals(m.path("type").asText()) && fence.equals(m.path("id").asText()), Duration.ofSeconds(30));
            assertTrue(b.received().stream().noneMatch(m -> chatId.equals(m.path("chatId").asText())), "bob saw nothing of alice's chat");
        }
    }

    @Test
    void aStoppedUpstreamFailsFastWith503AndRecovers(LocalStack stack, ApiClient anonymous) throws Exception {
        Login.User user = Login.newUser(anonymous, "outage");
        stack.stopService("download-service");
        try {
            long t0 = System.nanoTime();
            ApiClient.Result down = user.api().get("/v1/downloads/history");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(503, down.status(), down.raw());
            assertEquals("SERVICE_UNAVAILABLE", down.errorCode());
            assertTrue(ms < 5000, "fails fast, took " + ms + " ms");
        } finally {
            stack.startService("download-service");
            stack.awaitReady("download-service", Duration.ofSeconds(180));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int status;
        do {   // the circuit breaker half-opens after its open period
            status = user.api().get("/v1/downloads/history").status();
            if (status != 200) {
                Thread.sleep(500);
            }
        } while (status != 200 && System.nanoTime() < deadline);
        assertEquals(200, status, "recovered");
    }

    @Test
    void twoGatewaysSharingRedisNeverAdmitMoreThanTheLimit(LocalStack stack, ApiClient anonymous) throws Exception {
        Login.User user = Login.newUser(anonymous, "two-gateways");
        List<String> gateways = List.of("gateway-redis-1", "gateway-redis-2");
        List<ApiClient> clients = new ArrayList<>();
        for (int i = 0; i < gateways.size(); i++) {
            int port = SystemStack.sparePort(3 + i);
            stack.startExtra(gateways.get(i), "gateway", port, Map.of("RATE_LIMIT_STORE", "redis"));
            clients.add(new ApiClient("http://127.0.0.1:" + port).withToken(user.accessToken()));
        }
        try {
            for (String g : gateways) {
                stack.awaitReady(g, Duration.ofSeconds(180));
            }
            AtomicInteger admitted = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 240; i++) {
                ApiClient c = clients.get(i % 2);
                calls.add(pool.submit(() -> {
                    int s = c.get("/v1/downloads/history").status();
                    if (s == 429) {
                        refused.incrementAndGet();
                    } else if (s == 200) {
                        admitted.incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : calls) {
                f.get();
            }
            pool.shutdown();
            assertEquals(100, admitted.get(), "exactly the limit admitted across both gateways");
            assertEquals(140, refused.get());
        } finally {
            gateways.forEach(stack::stopService);
        }
    }
}
