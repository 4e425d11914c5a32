package dev.companion.extension;

import dev.companion.infra.InfraOptions;
import dev.companion.infra.LocalStack;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The extension in a real browser against the whole system: starts the infrastructure and the six
 * packaged services, then runs {@code extension-tests/e2e.mjs} (puppeteer-core driving Debian's headless
 * Chromium with {@code extension/} loaded). When the script asks for it on its stdout, the gateway is
 * SIGKILLed mid-answer and started again on the same port; the script checks that the panel still
 * shows the whole answer exactly once. Screenshots land in {@code extension-tests/target/e2e/}.
 */
class ExtensionE2EIT {

    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(6);
    /** The id the manifest's key gives extension/ (e2e.mjs has the same). */
    private static final String EXTENSION_ID = "eeodmhoociklpbelmdhhclaidcemklhn";

    @Test
    void theExtensionDoesEverySeedFlowInHeadlessChromium() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            // CI installs it (deploy/install-browser.sh, run by .ci/run): there a missing browser is a failure
            assertTrue(!"true".equals(System.getenv("CI")), CHROMIUM + " is missing; deploy/install-browser.sh installs it");
            Assumptions.abort(CHROMIUM + " is missing: run deploy/install-browser.sh to include the browser test");
        }
        Path root = Path.of(System.getProperty("companion.root", "..")).toAbsolutePath().normalize();
        Path module = root.resolve("extension-tests");
        Path data = module.resolve("target/stack-" + Long.toHexString(System.nanoTime()));
        InfraOptions infra = new InfraOptions(data, true, true, true, 0, 0, 0, 0);
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        // the offline model at 120 ms a word: the long answer (~300 words, 36 s) outlasts a gateway restart;
        // the extension's redirect URI and origin allowed (as LocalStack does by default for local runs)
        Map<String, String> env = Map.of(
                "OFFLINE_CHUNK_DELAY", "120ms",
                "AUTH_EXTENSION_REDIRECT_URIS", "https://" + EXTENSION_ID + ".chromiumapp.org/",
                "CORS_ORIGINS", "chrome-extension://" + EXTENSION_ID);
        try (LocalStack stack = new LocalStack(root, infra, LocalStack.defaultServices(freeBasePort()), env)) {
            long t0 = System.nanoTime();
            stack.start();
            log("stack ready in %d ms: %s", (System.nanoTime() - t0) / 1_000_000, stack.gatewayUrl());

            ProcessBuilder pb = new ProcessBuilder("node", "e2e.mjs").directory(module.toFile()).redirectErrorStream(true);
            pb.environment().put("GATEWAY_URL", stack.gatewayUrl());
            pb.environment().put("EXTENSION_DIR", root.resolve("extension").toString());
            pb.environment().put("OUT_DIR", module.resolve("target/e2e").toString());
            pb.environment().put("CHROMIUM", CHROMIUM.toString());
            pb.environment().put("CONTROL", "stdio");
            Process node = pb.start();
            try {
                Thread reader = new Thread(() -> follow(node, stack, output), "e2e-output");
                reader.start();
                boolean exited = node.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertTrue(exited, "e2e.mjs still running after " + SCRIPT_TIMEOUT);
                reader.join(10_000);
                assertEquals(0, node.exitValue(), "e2e.mjs failed:\n" + String.join("\n", output));
                assertTrue(output.stream().anyMatch(l -> l.matches("e2e: [1-9]\\d* passed, 0 failed")), "no result line:\n" + String.join("\n", output));
                assertTrue(output.contains("[control] gateway restarted"), "the gateway was restarted during the stream");
            } finally {
                node.destroyForcibly();
            }
        }
    }

    /** Echoes the script's output; on its request kills and restarts the gateway, then answers on its stdin. */
    private static void follow(Process node, LocalStack stack, List<String> output) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            OutputStream control = node.getOutputStream();
            String line;
            while ((line = in.readLine()) != null) {
                System.out.println(line);
                output.add(line);
                if (line.equals("@@control restart-gateway")) {
                    long t0 = System.nanoTime();
                    stack.killService("gateway");
                    stack.startService("gateway");
                    stack.awaitReady("gateway", Duration.ofSeconds(180));
                    String done = "[control] gateway restarted";
                    log("gateway SIGKILLed and ready again in %d ms", (System.nanoTime() - t0) / 1_000_000);
                    output.add(done);
                    control.write("restarted\n".getBytes(StandardCharsets.UTF_8));
                    control.flush();
                }
            }
        } catch (Exception e) {
            output.add("[control] " + e);
            node.destroyForcibly();
        }
    }

    private static void log(String format, Object... args) {
        System.out.printf("[ExtensionE2EIT] " + format + "%n", args);
    }

    /** Ten consecutive free ports below Linux's ephemeral range (as the system tests choose theirs). */
    private static int freeBasePort() {
        Random random = new Random();
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 20_000 + random.nextInt(12_000);
            if (allFree(base, 10)) {
                return base;
            }
        }
        throw new IllegalStateException("no free port range");
    }

    private static boolean allFree(int base, int count) {
        for (int p = base; p < base + count; p++) {
            try (ServerSocket s = new ServerSocket(p)) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
