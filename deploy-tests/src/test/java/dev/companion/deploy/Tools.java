package dev.companion.deploy;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The external tools the validation runs (kubectl, docker-compose, node). .ci/run installs them;
 * on a developer machine without one, the tests that need it are skipped with a message saying
 * how to get it, but under CI (CI=true) a missing tool fails the build: CI must never pass by
 * skipping.
 */
final class Tools {

    record Result(int exitCode, String stdout, String stderr) {
        String describe() {
            return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    private Tools() {
    }

    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** The executable, or a skipped (developer machine) / failed (CI) test. */
    static Path require(String name, String howToInstall) {
        Optional<Path> found = find(name);
        if (found.isEmpty()) {
            String message = name + " not found on PATH; " + howToInstall
                    + " (deploy/install-deploy-tools.sh installs it; .ci/run runs that)";
            if (inCi()) {
                Assertions.fail("CI=true: " + message);
            }
            Assumptions.abort("skipped: " + message);
        }
        return found.get();
    }

    private static volatile Path kubectl;

    /** kubectl ($KUBECTL or on PATH) whose built-in kustomize knows Components (v4 or later). */
    static Path kubectl() {
        if (kubectl != null) {
            return kubectl;
        }
        String configured = System.getenv("KUBECTL");
        Path found = configured != null && Files.isExecutable(Path.of(configured))
                ? Path.of(configured)
                : require("kubectl", "install kubectl >= 1.21 (kustomize v4+)");
        Result version = run(Repo.root(), found.toString(), "version", "--client");
        if (!version.stdout().matches("(?s).*Kustomize Version: v([4-9]|[1-9][0-9])\\..*")) {
            String message = found + " has no kustomize v4+ (components): " + version.stdout().trim()
                    + "; set KUBECTL or run deploy/install-deploy-tools.sh";
            if (inCi()) {
                Assertions.fail("CI=true: " + message);
            }
            Assumptions.abort("skipped: " + message);
        }
        kubectl = found;
        return found;
    }

    static Path dockerCompose() {
        return require("docker-compose", "apt-get install -y --no-install-recommends docker-compose");
    }

    /** node plus this module's npm packages (npm ci in deploy-tests/). */
    static Path node() {
        Path node = require("node", "install Node.js 20+");
        if (!Files.isDirectory(Repo.path("deploy-tests/node_modules/kubernetes-models"))) {
            String message = "deploy-tests/node_modules missing; run (cd deploy-tests && npm ci)";
            if (inCi()) {
                Assertions.fail("CI=true: " + message);
            }
            Assumptions.abort("skipped: " + message);
        }
        return node;
    }

    static Optional<Path> find(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static Result run(List<String> command, Path workDir, String stdin, Map<String, String> env) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
            pb.environment().putAll(env);
            Process process = pb.start();
            // read both streams concurrently so a chatty tool cannot block on a full pipe
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                Assertions.fail("timed out: " + String.join(" ", command));
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Result run(Path workDir, String... command) {
        return run(new ArrayList<>(List.of(command)), workDir, null, Map.of());
    }

    private static String drain(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
