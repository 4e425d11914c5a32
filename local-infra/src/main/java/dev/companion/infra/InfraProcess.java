package dev.companion.infra;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The local infrastructure in a child JVM (so Kafka's broker libraries never meet a service's
 * classpath). The child stops when this object is closed or when this JVM dies, because it
 * watches its standard input.
 */
public final class InfraProcess implements AutoCloseable {

    private final Process process;
    private final InfraSettings settings;
    private final BufferedReader stdout;
    private final java.io.PrintStream stdin;

    private InfraProcess(Process process, InfraSettings settings, BufferedReader stdout) {
        this.process = process;
        this.settings = settings;
        this.stdout = stdout;
        this.stdin = new java.io.PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Stops the Kafka broker (PostgreSQL and S3 stay up) to test behaviour during an outage. */
    public synchronized void stopKafka() throws IOException {
        command("kafka stop");
    }

    /** Starts the broker again on the same port with the same data. */
    public synchronized void startKafka() throws IOException {
        command("kafka start");
    }

    private void command(String command) throws IOException {
        stdin.println(command);
        String line;
        while ((line = stdout.readLine()) != null) {
            if (line.equals("OK " + command)) {
                return;
            }
            if (line.startsWith("ERR")) {
                throw new IOException(command + ": " + line);
            }
        }
        throw new IOException("infrastructure process ended");
    }

    public InfraSettings settings() {
        return settings;
    }

    /** Starts throw-away infrastructure on free ports under {@code dataDir}. */
    public static InfraProcess startEphemeral(Path dataDir, boolean redis) throws IOException {
        // a free port is probed, then bound by the child: on a shared machine another process may take it in
        // between ("Address already in use"); such a start is tried again on fresh ports, in a fresh directory
        for (int attempt = 1; ; attempt++) {
            Path dir = attempt == 1 ? dataDir : dataDir.resolveSibling(dataDir.getFileName() + "-retry" + attempt);
            List<String> args = new ArrayList<>(List.of("--data-dir", dir.toAbsolutePath().toString(), "--ephemeral",
                    "--pg-port", "0", "--kafka-port", "0", "--s3-port", "0", "--redis-port", "0", "--watch-stdin"));
            if (!redis) {
                args.add("--no-redis");
            }
            try {
                return start(dir, args);
            } catch (IOException e) {
                Path log = dir.resolveSibling(dir.getFileName() + "-infra.log");
                boolean portTaken = Files.exists(log) && Files.readString(log).contains("Address already in use");
                if (!portTaken || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    public static InfraProcess start(Path dataDir, List<String> args) throws IOException {
        Files.createDirectories(dataDir);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-cp");
        cmd.add(launcherClasspath());
        cmd.add(InfraMain.class.getName());
        cmd.addAll(args);
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-infra.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        Process process = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.startsWith("INFRA READY ")) {
                String file = line.substring("INFRA READY ".length()).replaceAll(" \\(\\d+ ms\\)$", "");
                return new InfraProcess(process, InfraSettings.read(Path.of(file)), out);
            }
        }
        process.destroyForcibly();
        throw new IOException("local infrastructure did not start; see " + log + "\n" + seen);
    }

    /** The launcher's runtime classpath, recorded at build time and shipped in this module's jar. */
    static String launcherClasspath() throws IOException {
        String deps;
        try (InputStream in = InfraProcess.class.getResourceAsStream("/META-INF/companion/infra-classpath.txt")) {
            if (in == null) {
                throw new IOException("infra-classpath.txt missing: build local-infra with Maven first");
            }
            deps = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        try {
            String self = Path.of(InfraProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            return self + File.pathSeparator + deps;
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        try {
            stdin.close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
