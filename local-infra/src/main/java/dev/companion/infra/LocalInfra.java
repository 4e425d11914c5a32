package dev.companion.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import redis.embedded.RedisServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Starts real PostgreSQL (one database per service), a single-node Kafka broker in KRaft mode
 * with the system's topics, an S3-compatible server with the buckets, and Redis, all from Maven
 * artifacts. Data lives under one directory and survives restarts.
 */
public final class LocalInfra implements AutoCloseable {

    /** Topic name → partition count (ARCHITECTURE.md "Kafka topics and events"). */
    /** The system's topics, and one dead-letter topic per consumer group ({@code <group>.dlt}). */
    public static final Map<String, Integer> TOPICS = Map.ofEntries(
            Map.entry("user.events", 3),
            Map.entry("project.events", 3),
            Map.entry("chat.events", 6),
            Map.entry("chat.stream", 6),
            Map.entry("image.jobs", 8),
            Map.entry("image.events", 6),
            Map.entry("download.events", 3),
            Map.entry("auth-service.dlt", 1),
            Map.entry("project-service.dlt", 1),
            Map.entry("chat-service.dlt", 1),
            // replica-to-replica agent prompts and answers (chat-service internal, issue #19)
            Map.entry("chat-service.agents", 3),
            Map.entry("image-service.dlt", 1),
            Map.entry("download-service.dlt", 1));

    private final InfraOptions options;
    private EmbeddedPostgres postgres;
    private KafkaRaftServer kafka;
    private S3Proxy s3;
    private RedisServer redis;
    private InfraSettings settings;
    private Path kafkaDir;
    private int kafkaPort;
    private int kafkaControllerPort;

    public LocalInfra(InfraOptions options) {
        this.options = options;
    }

    public InfraSettings settings() {
        return settings;
    }

    /** Starts everything in parallel and returns once all parts accept connections. */
    public InfraSettings start() throws Exception {
        Path data = options.dataDir().toAbsolutePath();
        if (options.clean()) {
            deleteRecursively(data);
        }
        Files.createDirectories(data);
        Path tmp = Files.createDirectories(data.resolve("tmp"));
        System.setProperty("java.io.tmpdir", tmp.toString());
        String[] s3Keys = s3Credentials(data);

        int pgPort = port(options.pgPort());
        int kafkaPort = port(options.kafkaPort());
        int controllerPort = port(options.kafkaPort() == 0 ? 0 : options.kafkaPort() + 1);
        int s3Port = port(options.s3Port());
        int redisPort = options.redis() ? port(options.redisPort()) : -1;

        CompletableFuture<Void> pg = CompletableFuture.runAsync(() -> startPostgres(data.resolve("postgres"), pgPort));
        CompletableFuture<Void> kf = CompletableFuture.runAsync(() -> startKafka(data.resolve("kafka"), kafkaPort, controllerPort));
        CompletableFuture<Void> s3f = CompletableFuture.runAsync(() -> startS3(data.resolve("s3"), s3Port, s3Keys));
        CompletableFuture<Void> rd = options.redis()
                ? CompletableFuture.runAsync(() -> startRedis(data.resolve("redis"), redisPort))
                : CompletableFuture.completedFuture(null);
        try {
            CompletableFuture.allOf(pg, kf, s3f, rd).get(120, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            close();
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
        settings = new InfraSettings("127.0.0.1", pgPort, "postgres", "postgres",
                "127.0.0.1:" + kafkaPort, "http://127.0.0.1:" + s3Port, s3Keys[0], s3Keys[1], "us-east-1",
                options.redis() ? "redis://127.0.0.1:" + redisPort : null);
        settings.write(data.resolve("infra.properties"));
        return settings;
    }

    private void startPostgres(Path dir, int port) {
        try {
            Files.createDirectories(dir);
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    // the default 10 s is too short for a first initdb while Kafka starts beside it on 2 cores
                    .setPGStartupWait(Duration.ofSeconds(90))
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .start();
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                st.execute("ALTER USER postgres PASSWORD 'postgres'");
                for (String db : InfraSettings.DATABASES) {
                    try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + db + "'")) {
                        if (!rs.next()) {
                            st.execute("CREATE DATABASE " + db);
                        }
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("PostgreSQL failed to start: " + e.getMessage(), e);
        }
    }

    /** Stops the broker only (for outage tests); {@link #restartKafka()} brings it back on the same port and data. */
    public synchronized void stopKafka() {
        if (kafka != null) {
            kafka.shutdown();
            kafka.awaitShutdown();
            kafka = null;
        }
    }

    public synchronized void restartKafka() {
        if (kafka == null) {
            startKafka(kafkaDir, kafkaPort, kafkaControllerPort);
        }
    }

    private void startKafka(Path dir, int port, int controllerPort) {
        this.kafkaDir = dir;
        this.kafkaPort = port;
        this.kafkaControllerPort = controllerPort;
        try {
            Path logs = dir.resolve("logs");
            Files.createDirectories(logs);
            Properties p = new Properties();
            p.setProperty("process.roles", "broker,controller");
            p.setProperty("node.id", "1");
            p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.setProperty("controller.listener.names", "CONTROLLER");
            p.setProperty("inter.broker.listener.name", "PLAINTEXT");
            p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.setProperty("log.dirs", logs.toString());
            p.setProperty("num.partitions", "3");
            p.setProperty("offsets.topic.replication.factor", "1");
            p.setProperty("offsets.topic.num.partitions", "10");
            p.setProperty("transaction.state.log.replication.factor", "1");
            p.setProperty("transaction.state.log.min.isr", "1");
            p.setProperty("share.coordinator.state.topic.replication.factor", "1");
            p.setProperty("share.coordinator.state.topic.min.isr", "1");
            p.setProperty("group.initial.rebalance.delay.ms", "0");
            p.setProperty("auto.create.topics.enable", "true");
            p.setProperty("log.retention.hours", "168");
            p.setProperty("log.flush.interval.messages", "10000");
            Path config = dir.resolve("server.properties");
            try (var w = Files.newBufferedWriter(config)) {
                p.store(w, "generated by Companion local-infra");
            }
            if (!Files.exists(logs.resolve("meta.properties"))) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int rc = StorageTool.execute(new String[]{"format", "-t", Uuid.randomUuid().toString(),
                        "-c", config.toString(), "--ignore-formatted"},
                        new PrintStream(out, true, StandardCharsets.UTF_8));
                if (rc != 0) {
                    throw new IllegalStateException("kafka-storage format failed: " + out);
                }
            }
            kafka = new KafkaRaftServer(new KafkaConfig(p), Time.SYSTEM);
            kafka.startup();
            createTopics("127.0.0.1:" + port);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka failed to start: " + e.getMessage(), e);
        }
    }

    private void createTopics(String bootstrap) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            List<NewTopic> topics = new ArrayList<>();
            TOPICS.forEach((name, partitions) -> topics.add(new NewTopic(name, partitions, (short) 1)));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (NewTopic topic : topics) {
                while (true) {
                    try {
                        admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                        break;
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof TopicExistsException) {
                            break;
                        }
                        if (System.nanoTime() > deadline) {
                            throw e;
                        }
                        Thread.sleep(200);
                    }
                }
            }
        }
    }

    private void startS3(Path dir, int port, String[] keys) {
        try {
            Files.createDirectories(dir);
            BlobStore blobStore = new FilesystemNio2BlobStore(dir.toString());
            for (String bucket : new String[]{InfraSettings.IMAGES_BUCKET, InfraSettings.DOWNLOADS_BUCKET}) {
                if (!blobStore.containerExists(bucket)) {
                    blobStore.createContainer(bucket);
                }
            }
            s3 = S3Proxy.builder()
                    .blobStore(blobStore)
                    .endpoint(URI.create("http://127.0.0.1:" + port))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, keys[0], keys[1])
                    .stopTimeout(1000)
                    .build();
            s3.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!s3.getState().equals("STARTED")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3 proxy did not start: " + s3.getState());
                }
                Thread.sleep(20);
            }
        } catch (Exception e) {
            throw new IllegalStateException("S3 failed to start: " + e.getMessage(), e);
        }
    }

    private void startRedis(Path dir, int port) {
        try {
            Files.createDirectories(dir);
            redis = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("dir " + dir)
                    .setting("appendonly no")
                    .setting("save \"\"")
                    .build();
            redis.start();
        } catch (Exception e) {
            throw new IllegalStateException("Redis failed to start: " + e.getMessage(), e);
        }
    }

    /** S3 credentials are generated on first start and kept in the data directory, never in the repo. */
    private static String[] s3Credentials(Path data) throws IOException {
        Path file = data.resolve("s3-credentials");
        if (Files.exists(file)) {
            String[] parts = Files.readString(file).trim().split(":");
            if (parts.length == 2) {
                return parts;
            }
        }
        SecureRandom random = new SecureRandom();
        byte[] a = new byte[10];
        byte[] s = new byte[20];
        random.nextBytes(a);
        random.nextBytes(s);
        String[] keys = {"local" + HexFormat.of().formatHex(a), HexFormat.of().formatHex(s)};
        Files.writeString(file, keys[0] + ":" + keys[1]);
        return keys;
    }

    /**
     * {@code requested}, or a free port in 10000-14999: below Linux's ephemeral range (32768+), where a
     * port free when probed can become the source port of an outgoing connection before its server binds
     * it, and apart from the local run's defaults (15432, 16379, 19000, 19092) and the system tests' ports.
     */
    static int port(int requested) {
        if (requested > 0) {
            return requested;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = random.nextInt(10_000, 15_000);
            try (ServerSocket socket = new ServerSocket(candidate)) {
                socket.setReuseAddress(true);
                return candidate;
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new IllegalStateException("no free port between 10000 and 14999");
    }

    @Override
    public void close() {
        if (kafka != null) {
            try {
                kafka.shutdown();
                kafka.awaitShutdown();
            } catch (RuntimeException e) {
                System.err.println("Kafka shutdown: " + e);
            }
            kafka = null;
        }
        if (s3 != null) {
            try {
                s3.stop();
            } catch (Exception e) {
                System.err.println("S3 shutdown: " + e);
            }
            s3 = null;
        }
        if (redis != null) {
            try {
                redis.stop();
            } catch (Exception e) {
                System.err.println("Redis shutdown: " + e);
            }
            redis = null;
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                System.err.println("PostgreSQL shutdown: " + e);
            }
            postgres = null;
        }
        if (options.deleteOnClose()) {
            deleteRecursively(options.dataDir());
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("Could not delete " + dir + ": " + e);
        }
    }
}
