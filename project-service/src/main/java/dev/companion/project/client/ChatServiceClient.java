package dev.companion.project.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.companion.common.client.OwnerLookup;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.time.temporal.ChronoUnit;

/**
 * chat-service, the owner of chats, asked when project-service's chat read model has not (yet) seen a
 * chat a request names (read-your-writes, {@link OwnerLookup}), with the caller's token.
 */
@RegisterRestClient(configKey = "chat-service")
@Path("/v1")
public interface ChatServiceClient {

    @GET
    @Path("/chats/{id}")
    @Timeout(value = 2, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 100, abortOn = WebApplicationException.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, skipOn = WebApplicationException.class)
    Uni<Envelope> chat(@PathParam("id") String id, @HeaderParam("Authorization") String bearer,
                       @HeaderParam("X-Request-Id") String requestId);

    @ClientExceptionMapper
    static RuntimeException map(Response response) {
        return OwnerLookup.serverError(response);
    }

    /** The owner's success envelope around the chat. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Envelope(Chat data) {
    }

    /** What project-service keeps of a chat. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Chat(String id, String projectId, String createdAt) {
    }
}
