package dev.companion.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.companion.infra.LocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Image workers scale by adding processes: an API-only image-service and two worker processes in one
 * consumer group share the queue, and a worker killed mid-job loses it to the other, which finishes it
 * once. The image provider is an OpenAI images API fake at the wire, so jobs take as long as we say.
 */
@ExtendWith(SystemStack.class)
class ImageWorkersIT {

    private static HttpServer fakeOpenAi;
    private static LocalStack stack;
    private static final List<String> WORKERS = List.of("image-worker-1", "image-worker-2");

    @BeforeAll
    static void startWorkers() throws Exception {
        fakeOpenAi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fakeOpenAi.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        fakeOpenAi.createContext("/v1/images/generations", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            try {
                Thread.sleep(body.contains("slow") ? 6000 : 300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            BufferedImage img = new BufferedImage(1024, 1024, BufferedImage.TYPE_INT_RGB);
            img.getGraphics().fillRect(100, 100, 300, 300);
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(img, "png", png);
            byte[] answer = ("{\"created\":1,\"data\":[{\"b64_json\":\"" + Base64.getEncoder().encodeToString(png.toByteArray()) + "\"}]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        fakeOpenAi.start();

        stack = SystemStack.stack();
        Map<String, String> provider = Map.of(
                "IMAGE_DALLE3_PROVIDER", "openai",
                "OPENAI_BASE_URL", "http://127.0.0.1:" + fakeOpenAi.getAddress().getPort(),
                "OPENAI_API_KEY", "sk-test-not-a-secret",
                "IMAGE_JOB_LEASE", "4s",
                "IMAGE_WORKER_HEARTBEAT", "1s",
                "IMAGE_SWEEP_INTERVAL", "1s",
                "IMAGE_MAX_CONCURRENT_PER_USER", "20");
        // the regular image-service becomes API only: every job has to go to a worker process
        stack.stopService("image-service");
        provider.forEach((k, v) -> stack.setServiceEnv("image-service", k, v));
        stack.setServiceEnv("image-service", "IMAGE_ROLE", "api");
        stack.startService("image-service");
        for (int i = 0; i < WORKERS.size(); i++) {
            Map<String, String> env = new java.util.HashMap<>(provider);
            env.put("IMAGE_ROLE", "worker");
            // the workers log their group membership (joins, assignments, revocations): what a failure here needs
            env.put("QUARKUS_LOG_CATEGORY__ORG_APACHE_KAFKA_CLIENTS_CONSUMER_INTERNALS__LEVEL", "INFO");
            stack.startExtra(WORKERS.get(i), "image-service", SystemStack.sparePort(i), env);
        }
        stack.awaitReady("image-service", Duration.ofSeconds(180));
        for (String w : WORKERS) {
            stack.awaitReady(w, Duration.ofSeconds(180));
        }
        awaitBothWorkersHavePartitions();
    }

    /**
     * Ready is not yet consuming: wait until the group is stable with exactly the two worker processes
     * (client ids are {@code host-pid-slot}), each holding partitions. A member left by an earlier test's
     * killed process lingers until its session times out and would otherwise pass for a worker.
     */
    private static void awaitBothWorkersHavePartitions() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            String group = workerGroup();
            if (group.startsWith("ok ")) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("image-workers group did not settle on both workers: " + group);
            }
            Thread.sleep(250);
        }
    }

    /** "ok ..." when the group is stable with exactly one member per worker process, each with partitions; else what it is. */
    private static String workerGroup() throws Exception {
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", stack.infraSettings().kafkaBootstrap());
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            var group = admin.describeConsumerGroups(List.of("image-workers")).all().get().get("image-workers");
            Set<String> holders = new HashSet<>();
            StringBuilder members = new StringBuilder();
            for (var m : group.members()) {
                String process = null;
                for (String w : WORKERS) {
                    if (m.clientId().contains("-" + stack.pid(w) + "-")) {
                        process = w;
                    }
                }
                members.append(' ').append(m.clientId()).append('=').append(process).append(m.assignment().topicPartitions());
                if (process != null && !m.assignment().topicPartitions().isEmpty()) {
                    holders.add(process);
                }
            }
            boolean ok = String.valueOf(group.groupState()).equalsIgnoreCase("STABLE")
                    && group.members().size() == WORKERS.size() && holders.equals(new HashSet<>(WORKERS));
            return (ok ? "ok " : "") + group.groupState() + members;
        }
    }

    @AfterAll
    static void restoreImageService() throws Exception {
        for (String w : WORKERS) {
            stack.stopService(w);
        }
        stack.stopService("image-service");
        stack.setServiceEnv("image-service", "IMAGE_ROLE", "both");
        stack.setServiceEnv("image-service", "IMAGE_DALLE3_PROVIDER", "offline");
        stack.startService("image-service");
        stack.awaitReady("image-service", Duration.ofSeconds(180));
        fakeOpenAi.stop(0);
    }

    private static String generate(Login.User user, String prompt, int n) {
        ApiClient.Result r = user.api().post("/v1/images/generate", Map.of("prompt", prompt,
                "options", Map.of("model", "dall-e-3", "size", "1024x1024", "quality", "standard", "style", "natural", "n", n)));
        assertTrue(r.status() == 201 || r.status() == 200 || r.status() == 202, r.raw());
        assertEquals("processing", r.data().path("status").asText(), r.raw());
        return r.data().path("id").asText();
    }

    private static JsonNode awaitCompleted(Login.User user, String generationId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ApiClient.Result r = user.api().get("/v1/images/generate/" + generationId);
            String status = r.data() == null ? "?" : r.data().path("status").asText();
            if ("completed".equals(status)) {
                return r.data();
            }
            if ("failed".equals(status) || "cancelled".equals(status) || System.nanoTime() > deadline) {
                throw new AssertionError("generation " + generationId + " is " + status + ": " + r.raw());
            }
            Thread.sleep(300);
        }
    }

    private static Connection db() throws Exception {
        var s = stack.infraSettings();
        return DriverManager.getConnection(s.jdbcUrl("companion_image"), s.pgUser(), s.pgPassword());
    }

    private static String workerOf(String generationId) throws Exception {
        try (Connection c = db(); PreparedStatement st = c.prepareStatement("SELECT worker_id, status FROM image_generation WHERE id = ?")) {
            st.setString(1, generationId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && "processing".equals(rs.getString("status")) ? rs.getString("worker_id") : null;
            }
        }
    }

    /** Worker ids are {@code host-pid-slot}: the pid says which process took the job. */
    private static String processOf(String workerId) {
        for (String w : WORKERS) {
            try {
                if (workerId != null && workerId.contains("-" + stack.pid(w) + "-")) {
                    return w;
                }
            } catch (RuntimeException notRunning) {
                // a killed worker has no pid any more
            }
        }
        return null;
    }

    @Test
    void jobsSpreadOverBothWorkersAndAKilledWorkersJobCompletesOnceOnTheOther(ApiClient anonymous) throws Exception {
        // the gateway admits 10 generations per user and hour (seed): one user for the fast jobs, one for the slow
        Login.User user = Login.newUser(anonymous, "painter");
        Login.User slowUser = Login.newUser(anonymous, "muralist");
        Set<String> finishers = new HashSet<>();
        List<String> fast = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            fast.add(generate(user, "a quick sketch number " + i, 1));
        }
        for (String id : fast) {
            awaitCompleted(user, id, Duration.ofSeconds(120));
        }
        try (Connection c = db(); PreparedStatement st = c.prepareStatement(
                "SELECT worker_id FROM image_generation WHERE id = ANY (?)")) {
            st.setArray(1, c.createArrayOf("text", fast.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    finishers.add(processOf(rs.getString(1)));
                }
            }
        }
        assertEquals(new HashSet<>(WORKERS), finishers, "both worker processes took jobs; group now: " + workerGroup());

        try (EventSocket socket = slowUser.api().connect()) {
            String slow = generate(slowUser, "a slow detailed mural", 2);
            String owner = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (owner == null && System.nanoTime() < deadline) {
                owner = processOf(workerOf(slow));
                Thread.sleep(100);
            }
            assertTrue(owner != null, "a worker took the slow job");
            stack.killService(owner);

            JsonNode done = awaitCompleted(slowUser, slow, Duration.ofSeconds(120));
            assertEquals(2, done.path("images").size(), done.toString());
            try (Connection c = db(); PreparedStatement st = c.prepareStatement(
                    "SELECT count(*), (SELECT attempts FROM image_generation WHERE id = ?) FROM image WHERE generation_id = ?")) {
                st.setString(1, slow);
                st.setString(2, slow);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    assertEquals(2, rs.getInt(1), "no duplicate images");
                    assertTrue(rs.getInt(2) >= 2, "taken over after the first attempt died");
                }
            }
            socket.await(m -> "image.complete".equals(m.path("type").asText()) && slow.equals(m.path("generationId").asText()),
                    Duration.ofSeconds(20));
            Thread.sleep(1500);
            long completes = socket.ofType("image.complete").stream().filter(m -> slow.equals(m.path("generationId").asText())).count();
            assertEquals(1, completes, "exactly one image.complete for the job");
        }
    }
}
