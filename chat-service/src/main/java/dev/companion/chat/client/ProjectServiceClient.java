package dev.companion.chat.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.companion.common.client.OwnerLookup;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;

import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * project-service, the owner of projects and instruction sets, asked when chat-service's read model
 * has not (yet) seen one (read-your-writes, {@link OwnerLookup}). The caller's token goes along, so the
 * owner applies its own ownership rule. An owner's 4xx is an answer; only failures trip the breaker.
 */
@RegisterRestClient(configKey = "project-service")
@Path("/v1")
public interface ProjectServiceClient {

    @GET
    @Path("/projects/{id}")
    @Timeout(value = 2, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 100, abortOn = WebApplicationException.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, skipOn = WebApplicationException.class)
    Uni<Envelope<Project>> project(@PathParam("id") String id, @HeaderParam("Authorization") String bearer,
                                   @HeaderParam("X-Request-Id") String requestId);

    /** Every set that applies to the chat (global, its project's, its own), as layers. */
    @GET
    @Path("/instructions/effective")
    @Timeout(value = 1, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 1, delay = 50, abortOn = WebApplicationException.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, skipOn = WebApplicationException.class)
    Uni<Envelope<Effective>> effective(@QueryParam("chatId") String chatId, @HeaderParam("Authorization") String bearer,
                                       @HeaderParam("X-Request-Id") String requestId);

    @ClientExceptionMapper
    static RuntimeException map(Response response) {
        return OwnerLookup.serverError(response);
    }

    /** The owner's success envelope; only {@code data} matters here. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Envelope<T>(T data) {
    }

    /** What chat-service keeps of a project. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Project(String id, boolean archived, String updatedAt) {
    }

    /** The sets applying to a chat, in order. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Effective(String projectId, String chatId, List<Layer> layers) {
    }

    /** One applying set. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Layer(String id, String name, String scope, String mode, com.fasterxml.jackson.databind.JsonNode instructions,
                 String createdAt) {
    }
}
