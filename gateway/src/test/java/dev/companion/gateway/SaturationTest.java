package dev.companion.gateway;

import dev.companion.gateway.routing.Forwarder;
import dev.companion.gateway.routing.RouteTable;
import dev.companion.gateway.support.RawHttp;
import dev.companion.gateway.support.UpstreamStandIns;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * When every pooled connection to a service is busy, a request waits up to the connect timeout and
 * then answers 503 "busy" with {@code Retry-After}: not 408 (its body was never read, the client
 * did not stall) and not a failure of the service (the circuit stays closed). The profile allows
 * one connection per service and waits 300 ms for it.
 */
@QuarkusTest
@TestProfile(SaturationTest.OneConnection.class)
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "redis", value = "true"))
@QuarkusTestResource(UpstreamStandIns.class)
class SaturationTest {

    public static class OneConnection implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.proxy.max-connections-per-service", "1",
                    "gateway.proxy.connect-timeout", "300ms",
                    "gateway.proxy.idle-timeout", "10s");
        }
    }

    @TestHTTPResource("/")
    URI gateway;

    @Inject
    Forwarder forwarder;

    @Inject
    RouteTable routes;

    private final String auth = "Authorization: Bearer " + TestTokens.forUser("user_saturation00000000000001");

    @Test
    void aFullPoolAnswers503BusyAndLeavesTheCircuitClosed() {
        int before = UpstreamStandIns.SLOW_RECEIVED.get();
        // holds the one connection to project-service for 5 s
        CompletableFuture<RawHttp.Answer> slow = CompletableFuture.supplyAsync(
                () -> RawHttp.send(gateway, "GET", "/v1/projects/slow", null, auth));
        await().until(() -> UpstreamStandIns.SLOW_RECEIVED.get() > before);

        List<RawHttp.Answer> busy = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            busy.add(RawHttp.send(gateway, "POST", "/v1/projects", "{\"name\":\"waits\"}", auth, "Content-Type: application/json"));
        }
        for (RawHttp.Answer a : busy) {
            assertEquals(503, a.status(), a.body());
            assertEquals("1", a.header("Retry-After"));
            JsonObject error = a.json().getJsonObject("error");
            assertEquals("SERVICE_UNAVAILABLE", error.getString("code"));
            assertEquals("busy", error.getJsonObject("details").getString("reason"));
        }
        assertEquals(CircuitBreakerState.CLOSED, forwarder.breaker(routes.byName("project-service").orElseThrow()).state());

        assertEquals(200, slow.join().status());
        RawHttp.Answer after = RawHttp.send(gateway, "POST", "/v1/projects", "{\"name\":\"fits\"}", auth, "Content-Type: application/json");
        assertEquals(200, after.status(), after.body());
    }
}
