package dev.companion.infra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The whole system on one machine: the local infrastructure in this JVM and the six packaged
 * services as separate processes. Used by the one-command local run and by the system tests.
 */
public final class LocalStack implements AutoCloseable {

    /** A service of the system: its module, its database (null for the gateway) and its port. */
    public record ServiceSpec(String name, String database, int port) {
    }

    public static List<ServiceSpec> defaultServices(int basePort) {
        return List.of(
                new ServiceSpec("auth-service", "companion_auth", basePort + 1),
                new ServiceSpec("project-service", "companion_project", basePort + 2),
                new ServiceSpec("chat-service", "companion_chat", basePort + 3),
                new ServiceSpec("image-service", "companion_image", basePort + 4),
                new ServiceSpec("download-service", "companion_download", basePort + 5),
                new ServiceSpec("gateway", null, basePort));
    }

    /**
     * JVM options of a locally run service, tuned for six JVMs sharing a laptop: the serial
     * collector, a heap that starts small and gives memory back, and the C1 compiler only (most
     * of a service's start-up CPU otherwise goes to C2 compiling code that runs once). Override
     * with {@code COMPANION_JVM_OPTS} (space-separated), e.g. to benchmark with C2.
     */
    static final List<String> JVM_OPTIONS = jvmOptions(System.getenv("COMPANION_JVM_OPTS"));

    static List<String> jvmOptions(String override) {
        if (override != null && !override.isBlank()) {
            return List.of(override.trim().split("\\s+"));
        }
        return List.of("-XX:+UseSerialGC", "-Xms24m", "-Xmx192m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30",
                "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=48m", "-Xss512k");
    }

    /** Where the local run listens unless told otherwise: loopback, never every interface. */
    static final String LOOPBACK = "127.0.0.1";

    /**
     * The address a service of the local run listens on: the gateway on {@code gatewayBind} (loopback unless
     * {@code --bind} says otherwise), every internal service on loopback only, since only the gateway is an entry.
     */
    static String httpHost(String service, String gatewayBind) {
        return service.equals("gateway") && gatewayBind != null && !gatewayBind.isBlank() ? gatewayBind : LOOPBACK;
    }

    private final String gatewayBind;
    private final Path root;
    private final InfraOptions infraOptions;
    private final List<ServiceSpec> services;
    private final Map<String, String> extraEnv;
    private final Map<String, Map<String, String>> serviceEnv = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, ServiceSpec> extras = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private LocalInfra infra;
    private Path logDir;

    public LocalStack(Path root, InfraOptions infraOptions, List<ServiceSpec> services, Map<String, String> extraEnv) {
        this(root, infraOptions, services, extraEnv, LOOPBACK);
    }

    /** {@code gatewayBind}: the address the gateway listens on (the other services always listen on loopback). */
    public LocalStack(Path root, InfraOptions infraOptions, List<ServiceSpec> services, Map<String, String> extraEnv,
                      String gatewayBind) {
        this.gatewayBind = gatewayBind;
        this.root = root.toAbsolutePath();
        this.infraOptions = infraOptions;
        this.services = services;
        this.extraEnv = extraEnv;
    }

    public InfraSettings infraSettings() {
        return infra.settings();
    }

    /** The infrastructure itself, for fault tests (stop and restart Kafka). */
    public LocalInfra infra() {
        return infra;
    }

    public ServiceSpec service(String name) {
        if (extras.containsKey(name)) {
            ServiceSpec e = extras.get(name);
            return new ServiceSpec(name, e.database(), e.port());
        }
        return services.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + name));
    }

    public String gatewayUrl() {
        return "http://127.0.0.1:" + service("gateway").port();
    }

    public Path logDir() {
        return logDir;
    }

    /** Starts infrastructure and all services and waits until every one is ready. */
    public void start() throws Exception {
        infra = new LocalInfra(infraOptions);
        infra.start();
        // throw-away stacks (tests) delete their data on close: keep their logs beside it
        Path data = infraOptions.dataDir().toAbsolutePath();
        logDir = Files.createDirectories(infraOptions.deleteOnClose()
                ? data.resolveSibling(data.getFileName() + "-logs") : data.resolve("logs"));
        for (ServiceSpec spec : services) {
            serviceEnv.put(spec.name(), environment(spec));
        }
        for (ServiceSpec spec : services) {
            startService(spec.name());
        }
        for (ServiceSpec spec : services) {
            awaitReady(spec.name(), Duration.ofSeconds(240));
        }
    }

    private Map<String, String> environment(ServiceSpec spec) {
        Map<String, String> env = new LinkedHashMap<>(infra.settings().serviceEnvironment(spec.database()));
        String authUrl = "http://127.0.0.1:" + service("auth-service").port();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(spec.port()));
        // loopback only: nothing of the local run is reachable from the network unless told (--bind)
        env.put("QUARKUS_HTTP_HOST", httpHost(spec.name(), gatewayBind));
        env.put("JWT_JWKS_URL", authUrl + "/.well-known/jwks.json");
        env.put("AUTH_KEYS_DIR", infraOptions.dataDir().toAbsolutePath().resolve("auth-keys").toString());
        env.put("AUTH_SERVICE_URL", authUrl);
        env.put("PROJECT_SERVICE_URL", "http://127.0.0.1:" + service("project-service").port());
        env.put("CHAT_SERVICE_URL", "http://127.0.0.1:" + service("chat-service").port());
        env.put("IMAGE_SERVICE_URL", "http://127.0.0.1:" + service("image-service").port());
        env.put("DOWNLOAD_SERVICE_URL", "http://127.0.0.1:" + service("download-service").port());
        env.put("PUBLIC_BASE_URL", "http://127.0.0.1:" + service("gateway").port());
        // readable logs in the local files; JSON stays the production default
        env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
        // the repository's extension (extension/, its id fixed by the manifest's key) can log in and call the
        // gateway of a local run, beside the services' built-in development id; a value set outside wins
        putUnlessSet(env, "AUTH_EXTENSION_REDIRECT_URIS", String.join(",",
                "https://" + DEV_EXTENSION_ID + ".chromiumapp.org/", "chrome-extension://" + DEV_EXTENSION_ID + "/callback",
                "https://" + REPO_EXTENSION_ID + ".chromiumapp.org/", "chrome-extension://" + REPO_EXTENSION_ID + "/callback"));
        putUnlessSet(env, "CORS_ORIGINS", "chrome-extension://companion-dev,chrome-extension://" + REPO_EXTENSION_ID);
        env.putAll(extraEnv);
        return env;
    }

    /** The development extension id auth-service allows by default (not a real extension). */
    static final String DEV_EXTENSION_ID = "abcdefghijklmnopabcdefghijklmnop";
    /** The id of the repository's extension: derived from the public key in extension/manifest.json. */
    public static final String REPO_EXTENSION_ID = "eeodmhoociklpbelmdhhclaidcemklhn";

    private static void putUnlessSet(Map<String, String> env, String key, String value) {
        String outside = System.getenv(key);
        env.put(key, outside != null && !outside.isBlank() ? outside : value);
    }

    /** Overrides environment variables of one service for its next start. */
    public void setServiceEnv(String name, String key, String value) {
        serviceEnv.get(name).put(key, value);
    }

    public void startService(String name) throws IOException {
        ServiceSpec extra = extras.get(name);
        launch(name, extra != null ? extra.name() : service(name).name(), serviceEnv.get(name));
    }

    private void launch(String name, String module, Map<String, String> env) throws IOException {
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IOException(jar + " not found: package the services first (./mvnw package -DskipTests)");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_OPTIONS);
        cmd.add("-Djava.io.tmpdir=" + infraOptions.dataDir().toAbsolutePath().resolve("tmp"));
        cmd.add("-jar");
        cmd.add(jar.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(name + ".log").toFile()));
        // glibc's per-thread malloc arenas otherwise keep tens of MB per JVM that it never returns
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        pb.environment().putAll(env);
        processes.put(name, pb.start());
    }

    /**
     * Starts one more process of a module under its own name (a second gateway, an image worker…),
     * with that module's environment plus {@code overrides}; stop it with {@link #stopService}.
     */
    public void startExtra(String name, String module, int port, Map<String, String> overrides) throws IOException {
        ServiceSpec base = service(module);
        Map<String, String> env = new LinkedHashMap<>(serviceEnv.get(module));
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.putAll(overrides);
        extras.put(name, new ServiceSpec(module, base.database(), port));
        serviceEnv.put(name, env);
        launch(name, module, env);
    }

    /** Kills a process at once (SIGKILL), as a crash would. */
    public void killService(String name) {
        Process p = processes.remove(name);
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public void stopService(String name) {
        Process p = processes.remove(name);
        if (p != null) {
            p.destroy();
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }

    /** Polls {@code /q/health/ready} until it answers 200. */
    public void awaitReady(String name, Duration timeout) throws Exception {
        ServiceSpec spec = service(name);
        long deadline = System.nanoTime() + timeout.toNanos();
        URI uri = URI.create("http://127.0.0.1:" + spec.port() + "/q/health/ready");
        while (true) {
            Process p = processes.get(name);
            if (p != null && !p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + "; see " + logDir.resolve(name + ".log"));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " not ready after " + timeout + "; see " + logDir.resolve(name + ".log"));
            }
            Thread.sleep(250);
        }
    }

    public long pid(String name) {
        return processes.get(name).pid();
    }

    @Override
    public void close() {
        List<String> names = new ArrayList<>(processes.keySet());
        names.forEach(n -> {
            Process p = processes.get(n);
            if (p != null) {
                p.destroy();
            }
        });
        names.forEach(this::stopService);
        if (infra != null) {
            infra.close();
        }
    }

    /**
     * {@code java dev.companion.infra.LocalStack [--clean] [--data-dir DIR] [--base-port 8080] [--bind 127.0.0.1]}:
     * runs everything until Ctrl-C, then stops every process it started. {@code --bind} is the gateway's address
     * (e.g. {@code 0.0.0.0} to reach it from another machine); the infrastructure and the other services stay on
     * loopback whatever it says.
     */
    public static void main(String[] args) throws Exception {
        InfraOptions options = InfraOptions.parse(args, InfraOptions.localDefaults());
        int basePort = 8080;
        String bind = LOOPBACK;
        Path root = Path.of("").toAbsolutePath();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--base-port")) {
                basePort = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--bind")) {
                bind = args[++i];
            } else if (args[i].equals("--root")) {
                root = Path.of(args[++i]);
            }
        }
        long t0 = System.nanoTime();
        LocalStack stack = new LocalStack(root, options, defaultServices(basePort), Map.of(), bind);
        // Ctrl-C / SIGTERM: stop services first, then the infrastructure, then exit. (A plain shutdown
        // hook would race the embedded PostgreSQL's own hook and pull the database from under the services.)
        Runnable stop = () -> {
            System.out.println("\nStopping Companion...");
            stack.close();
            System.out.println("Stopped.");
        };
        OrderlyShutdown.onSignals(stop);
        try {
            stack.start();
        } catch (Exception e) {
            System.err.println("Start failed: " + e.getMessage());
            System.exit(1);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        InfraSettings s = stack.infraSettings();
        System.out.printf("""

                Companion is up in %.1f s.
                  Gateway      %s   (API under /v1, WebSocket %s/v1/ws, docs %s/q/swagger-ui)
                  PostgreSQL   %s:%d   Kafka %s   S3 %s   Redis %s
                  Data         %s   Logs %s
                Press Ctrl-C to stop everything.
                """, ms / 1000.0, stack.gatewayUrl(), stack.gatewayUrl().replace("http", "ws"), stack.gatewayUrl(),
                s.pgHost(), s.pgPort(), s.kafkaBootstrap(), s.s3Endpoint(), s.redisUrl(),
                options.dataDir().toAbsolutePath(), stack.logDir());
        Thread.currentThread().join();
    }
}
