package dev.companion.gateway.rest;

import dev.companion.common.api.ErrorResponse;
import dev.companion.gateway.health.GatewayHealth;
import dev.companion.gateway.health.ServiceReadinessProbe;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * {@code GET /v1/health}: the seed's health shape aggregated over every service's readiness;
 * {@code healthy} (200) when all are up, {@code degraded} (503) when one is not.
 */
@Path("/v1/health")
public class HealthResource {

    private final ServiceReadinessProbe probe;
    private final String version;

    public HealthResource(ServiceReadinessProbe probe, @ConfigProperty(name = "quarkus.application.version") String version) {
        this.probe = probe;
        this.version = version;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<GatewayHealth>> health() {
        return probe.probeAll().map(services -> {
            boolean allUp = services.values().stream().allMatch(s -> "UP".equals(s.status()));
            GatewayHealth body = new GatewayHealth(allUp ? "healthy" : "degraded", version,
                    ErrorResponse.Timestamps.now(), services);
            return RestResponse.status(allUp ? RestResponse.Status.OK : RestResponse.Status.SERVICE_UNAVAILABLE, body);
        });
    }
}
