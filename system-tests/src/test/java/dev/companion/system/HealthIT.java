package dev.companion.system;

import dev.companion.infra.LocalStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Health aggregation through the gateway, and what one stopped service does to it. */
@ExtendWith(SystemStack.class)
class HealthIT {

    @Test
    void healthAggregatesEveryServiceAndDegradesWhenOneStops(LocalStack stack, ApiClient api) throws Exception {
        ApiClient.Result up = api.get("/v1/health");
        assertEquals(200, up.status(), up.raw());
        assertEquals("healthy", up.body().path("status").asText(), up.raw());
        assertNotNull(up.body().get("version"));
        assertNotNull(up.body().get("timestamp"));
        for (String service : new String[]{"auth-service", "project-service", "chat-service", "image-service", "download-service"}) {
            assertTrue(up.raw().contains(service), "health names " + service + ": " + up.raw());
        }

        stack.stopService("project-service");
        try {
            ApiClient.Result down = api.get("/v1/health");
            assertEquals(503, down.status(), down.raw());
            assertEquals("degraded", down.body().path("status").asText(), down.raw());
        } finally {
            stack.startService("project-service");
            stack.awaitReady("project-service", Duration.ofSeconds(90));
        }
        ApiClient.Result again = api.get("/v1/health");
        assertEquals(200, again.status(), again.raw());
    }
}
