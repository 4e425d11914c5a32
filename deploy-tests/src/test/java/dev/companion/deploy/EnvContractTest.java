package dev.companion.deploy;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The drift check: docker-compose.yml and every rendered k8s overlay give each workload exactly
 * the environment variables its service reads (docs/DEVELOPING.md "Configuration"), taken from the
 * service's own application.properties: every ${VAR} it references is set, and nothing is set
 * that the service would ignore (a typo, or a variable a service stopped reading).
 */
class EnvContractTest {

    @Test
    void everyServiceReadsItsDatabaseKafkaAndJwtFromTheEnvironment() {
        for (String module : Repo.SERVICES.keySet()) {
            ServiceConfig config = Repo.config(module);
            assertTrue(config.required().containsAll(Set.of("KAFKA_BOOTSTRAP_SERVERS", "JWT_JWKS_URL", "JWT_ISSUER", "JWT_AUDIENCE")),
                    module + " reads " + config.required());
            if (Repo.DATABASES.containsKey(module)) {
                assertTrue(config.required().containsAll(Set.of("DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD")),
                        module + " reads " + config.required());
                assertEquals(Repo.DATABASES.get(module), config.references().get("DB_NAME"), module + " DB_NAME default");
            }
        }
    }

    @Test
    void composeGivesEachServiceExactlyWhatItReads() {
        Map<String, Object> compose = Yamls.map(new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Repo.read("docker-compose.yml")));
        Map<String, Object> services = Yamls.mapOrEmpty(compose, "services");
        List<String> problems = new ArrayList<>();
        for (var workload : Repo.WORKLOADS.entrySet()) {
            Object service = services.get(workload.getKey());
            if (service == null) {
                problems.add("docker-compose.yml has no service " + workload.getKey());
                continue;
            }
            Set<String> provided = new TreeSet<>(Yamls.mapOrEmpty(Yamls.map(service), "environment").keySet());
            problems.addAll(compare("docker-compose.yml " + workload.getKey(), Repo.config(workload.getValue()), provided));
        }
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    @TestFactory
    Stream<DynamicTest> eachOverlayGivesEachDeploymentExactlyWhatItReads() {
        return Repo.OVERLAYS.stream().map(overlay -> DynamicTest.dynamicTest("k8s/overlays/" + overlay, () -> {
            Manifests manifests = Manifests.render("overlays/" + overlay);
            List<String> problems = new ArrayList<>();
            for (var workload : Repo.WORKLOADS.entrySet()) {
                Map<String, Object> deployment = manifests.get("Deployment", workload.getKey());
                problems.addAll(compare(overlay + " Deployment " + workload.getKey(), Repo.config(workload.getValue()),
                        manifests.environment(deployment)));
            }
            if (!problems.isEmpty()) {
                fail(String.join("\n", problems));
            }
        }));
    }

    @Test
    void theImageWorkersRunTheImageServiceInItsWorkerRole() {
        ServiceConfig image = Repo.config("image-service");
        // IMAGE_ROLE is how the one image becomes a worker; until image-service reads it, the
        // worker would be a second API instance: say so instead of passing silently
        assertTrue(image.reads("IMAGE_ROLE"), "image-service does not read IMAGE_ROLE");
        for (String overlay : Repo.OVERLAYS) {
            Manifests manifests = Manifests.render("overlays/" + overlay);
            assertEquals("worker", manifests.plainValue(manifests.get("Deployment", "image-worker"), "IMAGE_ROLE").orElse(null),
                    overlay + " image-worker IMAGE_ROLE");
            assertEquals("api", manifests.plainValue(manifests.get("Deployment", "image-service"), "IMAGE_ROLE").orElse(null),
                    overlay + " image-service IMAGE_ROLE");
        }
    }

    private static List<String> compare(String where, ServiceConfig config, Set<String> provided) {
        List<String> problems = new ArrayList<>();
        Set<String> missing = new TreeSet<>(config.required());
        missing.removeAll(provided);
        if (!missing.isEmpty()) {
            problems.add(where + ": the service reads " + missing + " but they are not set");
        }
        Set<String> unread = new TreeSet<>();
        for (String name : provided) {
            if (!config.reads(name)) {
                unread.add(name);
            }
        }
        if (!unread.isEmpty()) {
            problems.add(where + ": sets " + unread + " which the service does not read");
        }
        assertFalse(provided.isEmpty() && !config.required().isEmpty(), where + ": no environment at all");
        return problems;
    }
}
