package dev.companion.project;

import dev.companion.testing.ServiceShape;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Set;

/** The service shape of docs/DEVELOPING.md on this module's sources (test-support's {@link ServiceShape}). */
class ServiceShapeTest {

    @Test
    void followsTheServiceShape() throws IOException {
        new ServiceShape("project", Set.of("repository/ProjectSearchRepository.java",
                    "service/InstructionService.java",
                    "service/ProjectService.java")).check();
    }
}
