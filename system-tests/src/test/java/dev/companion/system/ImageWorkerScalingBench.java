package dev.companion.system;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Benchmark (not part of the suite: run by {@code benchmarks/image-workers.sh}, which selects it with
 * {@code -Dit.test}): jobs per second of one image-worker process and of four, with an I/O-bound
 * provider (an OpenAI images API at the wire answering after a fixed delay), rounds alternating 1, 4,
 * 1, 4 workers on the same stack. The regular image-service is API only, as in the k8s deployment; each
 * worker process has one job slot, as one pod. Elapsed = first job created → last job completed, both
 * from the database's clock. Writes the table to stdout and {@code target/bench/image-workers.md}.
 */
@ExtendWith(SystemStack.class)
class ImageWorkerScalingBench {

    private static final int JOBS = Integer.getInteger("bench.jobs", 48);
    private static final int DELAY_MS = Integer.getInteger("bench.delay-ms", 500);
    private static final int[] ROUNDS = {1, 4, 1, 4};
    private static final List<String> WORKERS = List.of("image-worker-1", "image-worker-2", "image-worker-3", "image-worker-4");

    private static HttpServer fakeOpenAi;
    private static LocalStack stack;
    private static Map<String, String> workerEnv;
    private static final List<String> running = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        BufferedImage img = new BufferedImage(1024, 1024, BufferedImage.TYPE_INT_RGB);
        img.getGraphics().fillRect(100, 100, 300, 300);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        byte[] answer = ("{\"created\":1,\"data\":[{\"b64_json\":\"" + Base64.getEncoder().encodeToString(png.toByteArray()) + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        fakeOpenAi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fakeOpenAi.setExecutor(Executors.newCachedThreadPool());
        fakeOpenAi.createContext("/v1/images/generations", exchange -> {
            exchange.getRequestBody().readAllBytes();
            try {
                Thread.sleep(DELAY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        fakeOpenAi.start();

        stack = SystemStack.stack();
        workerEnv = new HashMap<>(Map.of(
                "IMAGE_DALLE3_PROVIDER", "openai",
                "OPENAI_BASE_URL", "http://127.0.0.1:" + fakeOpenAi.getAddress().getPort(),
                "OPENAI_API_KEY", "sk-test-not-a-secret",
                "IMAGE_MAX_CONCURRENT_PER_USER", "1000",
                "IMAGE_WORKER_CONCURRENCY", "1"));
        stack.stopService("image-service");
        workerEnv.forEach((k, v) -> stack.setServiceEnv("image-service", k, v));
        stack.setServiceEnv("image-service", "IMAGE_ROLE", "api");
        stack.startService("image-service");
        stack.awaitReady("image-service", Duration.ofSeconds(180));
    }

    @AfterAll
    static void stop() throws Exception {
        for (String w : new ArrayList<>(running)) {
            stack.stopService(w);
        }
        fakeOpenAi.stop(0);
    }

    private static void workers(int n) throws Exception {
        while (running.size() > n) {
            stack.stopService(running.remove(running.size() - 1));
        }
        while (running.size() < n) {
            String w = WORKERS.get(running.size());
            Map<String, String> env = new HashMap<>(workerEnv);
            env.put("IMAGE_ROLE", "worker");
            stack.startExtra(w, "image-service", SystemStack.sparePort(running.size()), env);
            stack.awaitReady(w, Duration.ofSeconds(180));
            running.add(w);
        }
        awaitGroup(n);
    }

    /** Ready is not yet consuming: wait until the group has exactly {@code n} members, each with partitions. */
    private static void awaitGroup(int n) throws Exception {
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", stack.infraSettings().kafkaBootstrap());
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (true) {
                var group = admin.describeConsumerGroups(List.of("image-workers")).all().get().get("image-workers");
                long withPartitions = group.members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
                if (group.members().size() == n && withPartitions == n) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("image-workers group did not settle at " + n + ": " + group);
                }
                Thread.sleep(200);
            }
        }
    }

    /** Submits {@link #JOBS} one-image jobs (8 per user: the gateway admits 10 per user and hour) and waits for all. */
    private static double[] round(ApiClient anonymous) throws Exception {
        List<Login.User> users = new ArrayList<>();
        for (int i = 0; i < (JOBS + 7) / 8; i++) {
            users.add(Login.newUser(anonymous, "painter"));
        }
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<String>> submitted = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            Login.User u = users.get(i / 8);
            int k = i;
            submitted.add(clients.submit(() -> {
                ApiClient.Result r = u.api().post("/v1/images/generate", Map.of("prompt", "benchmark job " + k,
                        "options", Map.of("model", "dall-e-3", "size", "1024x1024", "n", 1)));
                assertTrue(r.status() == 201 || r.status() == 202, r.raw());
                return r.data().path("id").asText();
            }));
        }
        List<String> ids = new ArrayList<>();
        for (Future<String> f : submitted) {
            ids.add(f.get());
        }
        clients.shutdown();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        try (Connection c = db(); PreparedStatement st = c.prepareStatement(
                "SELECT count(*) FILTER (WHERE status = 'completed'), count(*) FILTER (WHERE status IN ('failed', 'cancelled')), "
                        + "extract(epoch FROM max(completed_at) - min(created_at)) FROM image_generation WHERE id = ANY (?)")) {
            st.setArray(1, c.createArrayOf("text", ids.toArray()));
            while (true) {
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    assertEquals(0, rs.getInt(2), "no job failed");
                    if (rs.getInt(1) == JOBS) {
                        double seconds = rs.getDouble(3);
                        return new double[] {seconds, JOBS / seconds};
                    }
                }
                assertTrue(System.nanoTime() < deadline, "jobs did not complete in 5 minutes");
                Thread.sleep(100);
            }
        }
    }

    private static Connection db() throws Exception {
        var s = stack.infraSettings();
        return DriverManager.getConnection(s.jdbcUrl("companion_image"), s.pgUser(), s.pgPassword());
    }

    @Test
    void jobsPerSecondOfOneWorkerAndOfFour(ApiClient anonymous) throws Exception {
        StringBuilder table = new StringBuilder();
        table.append("Image workers, ").append(LocalDate.now()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores; provider delay ").append(DELAY_MS).append(" ms; ").append(JOBS).append(" one-image jobs per round; JVM: ")
                .append(System.getenv().getOrDefault("COMPANION_JVM_OPTS", "local defaults")).append("\n\n");
        table.append("| round | workers | seconds | jobs/s | vs. one worker (same run) |\n|---|---|---|---|---|\n");
        Map<Integer, List<Double>> rates = new HashMap<>();
        int r = 1;
        for (int n : ROUNDS) {
            workers(n);
            round(anonymous); // warm-up of this configuration (JIT, connections), not reported
            double[] result = round(anonymous);
            rates.computeIfAbsent(n, k -> new ArrayList<>()).add(result[1]);
            double one = rates.getOrDefault(1, List.of(result[1])).stream().mapToDouble(Double::doubleValue).average().orElse(result[1]);
            table.append(String.format("| %d | %d | %.2f | %.2f | %.2f× |%n", r++, n, result[0], result[1], result[1] / one));
        }
        double one = rates.get(1).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double four = rates.get(4).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        table.append(String.format("%nMean: one worker %.2f jobs/s, four workers %.2f jobs/s: **%.2f×** (target ≥ 3.6×)%n", one, four, four / one));
        System.out.println(table);
        Path out = Path.of(System.getProperty("companion.root", "..")).resolve("system-tests/target/bench/image-workers.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table.toString());
    }
}
