package dev.companion.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The repository under test: where the services and the deployment descriptions live. */
final class Repo {

    /** The six deployable modules and their HTTP ports (ARCHITECTURE.md). */
    static final Map<String, Integer> SERVICES = Map.of(
            "auth-service", 8081,
            "project-service", 8082,
            "chat-service", 8083,
            "image-service", 8084,
            "download-service", 8085,
            "gateway", 8080);

    /** Services that own a PostgreSQL database, and its name. */
    static final Map<String, String> DATABASES = Map.of(
            "auth-service", "companion_auth",
            "project-service", "companion_project",
            "chat-service", "companion_chat",
            "image-service", "companion_image",
            "download-service", "companion_download");

    /** Workload (compose service / k8s Deployment) → the module whose image and config it runs. */
    static final Map<String, String> WORKLOADS = Map.of(
            "auth-service", "auth-service",
            "project-service", "project-service",
            "chat-service", "chat-service",
            "image-service", "image-service",
            "image-worker", "image-service",
            "download-service", "download-service",
            "gateway", "gateway");

    static final List<String> OVERLAYS = List.of("dev", "prod");

    private Repo() {
    }

    static Path root() {
        String configured = System.getProperty("companion.root");
        Path root = configured != null ? Path.of(configured) : Path.of("..");
        return root.toAbsolutePath().normalize();
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ServiceConfig config(String module) {
        return ServiceConfig.parse(path(module + "/src/main/resources/application.properties"));
    }
}
