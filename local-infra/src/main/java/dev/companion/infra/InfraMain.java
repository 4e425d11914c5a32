package dev.companion.infra;

import java.io.IOException;

/**
 * Runs the local infrastructure in this JVM until SIGTERM/Ctrl-C or until standard input
 * closes (the parent that started it died), so no PostgreSQL server is ever left behind.
 * Prints {@code INFRA READY <settings file>} once everything accepts connections.
 */
public final class InfraMain {

    private InfraMain() {
    }

    public static void main(String[] args) throws Exception {
        InfraOptions options = InfraOptions.parse(args, InfraOptions.localDefaults());
        boolean watchStdin = java.util.Arrays.asList(args).contains("--watch-stdin");
        LocalInfra infra = new LocalInfra(options);
        OrderlyShutdown.onSignals(infra::close);
        long t0 = System.nanoTime();
        infra.start();
        System.out.printf("INFRA READY %s (%d ms)%n",
                options.dataDir().toAbsolutePath().resolve("infra.properties"), (System.nanoTime() - t0) / 1_000_000);
        System.out.flush();
        if (watchStdin) {
            serveCommands(infra);
            System.exit(0);
        } else {
            Thread.currentThread().join();
        }
    }

    /** Reads commands ({@code kafka stop}, {@code kafka start}) from stdin until it closes. */
    static void serveCommands(LocalInfra infra) {
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in))) {
            String line;
            while ((line = in.readLine()) != null) {
                try {
                    switch (line.trim()) {
                        case "kafka stop" -> infra.stopKafka();
                        case "kafka start" -> infra.restartKafka();
                        default -> {
                            System.out.println("ERR unknown command " + line);
                            continue;
                        }
                    }
                    System.out.println("OK " + line.trim());
                } catch (RuntimeException e) {
                    System.out.println("ERR " + e.getMessage());
                }
                System.out.flush();
            }
        } catch (IOException e) {
            // the parent is gone either way
        }
    }
}
