package dev.companion.image.rest;

import dev.companion.common.api.ErrorCode;
import dev.companion.common.api.ErrorResponse;
import dev.companion.image.config.ImageConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A process started with {@code IMAGE_ROLE=worker} serves health and metrics but not the API: requests
 * that reach it by mistake get 503 instead of being half-served by a pod sized for rendering.
 */
public class WorkerOnlyFilter {

    private final boolean workerOnly;

    public WorkerOnlyFilter(ImageConfig config) {
        this.workerOnly = "worker".equals(config.role());
    }

    @ServerRequestFilter(preMatching = true)
    public Response refuseApiOnWorkers(ContainerRequestContext request) {
        if (workerOnly && request.getUriInfo().getPath().startsWith("/v1/")) {
            return Response.status(503).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(ErrorResponse.of(ErrorCode.SERVICE_UNAVAILABLE, "This instance runs image workers only", null,
                            request.getHeaderString("X-Request-Id"))).build();
        }
        return null;
    }
}
