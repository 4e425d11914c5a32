package dev.companion.deploy;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each service's src/main/docker/Dockerfile.jvm: a pinned small JVM runtime base, the Quarkus
 * fast-jar layers, a numeric non-root user, the service's port and a health check on /q/health.
 * (No Docker engine here, so the files are checked as text; docker build is documented.)
 */
class DockerfileTest {

    @TestFactory
    Stream<DynamicTest> everyServiceHasAJvmDockerfile() {
        return Repo.SERVICES.keySet().stream().sorted().map(module -> DynamicTest.dynamicTest(module, () -> {
            String dockerfile = Repo.read(module + "/src/main/docker/Dockerfile.jvm");
            List<String> instructions = dockerfile.lines().map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();

            List<String> from = instructions.stream().filter(l -> l.startsWith("FROM ")).toList();
            assertEquals(1, from.size(), "one stage: the build happens in Maven");
            String base = from.get(0).substring(5).trim();
            assertTrue(base.matches("[^:]+:[0-9][\\w.-]*"), "base image pinned to a version: " + base);
            assertTrue(base.contains("openjdk-17-runtime"), "a JRE-only runtime image, not a JDK: " + base);

            for (String part : List.of("lib/", "*.jar", "app/", "quarkus/")) {
                assertTrue(dockerfile.contains("COPY target/quarkus-app/" + part), module + " copies quarkus-app/" + part);
            }
            assertFalse(dockerfile.contains("--chown"), "application files stay root-owned (read-only for the app user)");

            String lastUser = instructions.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElse("USER root");
            String user = lastUser.substring(5).trim();
            assertTrue(user.matches("[1-9][0-9]*(:[0-9]+)?"), "numeric non-root USER (runAsNonRoot can verify it): " + user);
            int lastUserIndex = instructions.lastIndexOf(lastUser);
            assertTrue(instructions.stream().skip(lastUserIndex).noneMatch(l -> l.startsWith("RUN ")),
                    "nothing runs as root after the final USER");

            int port = Repo.SERVICES.get(module);
            assertTrue(instructions.contains("EXPOSE " + port), module + " exposes " + port);
            assertTrue(dockerfile.contains("QUARKUS_HTTP_PORT=" + port), module + " image default port");

            Matcher health = Pattern.compile("HEALTHCHECK[^\\n]*\\\\\\n\\s*CMD (.*)").matcher(dockerfile);
            assertTrue(health.find(), module + " has a HEALTHCHECK");
            assertTrue(health.group(1).contains("/q/health/"), module + " health from /q/health: " + health.group(1));

            assertTrue(dockerfile.contains("ENTRYPOINT"), module + " entrypoint");
            assertFalse(dockerfile.matches("(?s).*(PASSWORD|SECRET|API_KEY)=.*"), module + ": no secrets in the image");
        }));
    }
}
