package dev.companion.download.client;

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
 * The owners download-service asks when its read models (fed by image.events, project.events,
 * chat.events) have not (yet) seen something a request names: read-your-writes ({@link OwnerLookup}),
 * always with the caller's token, so each owner applies its own ownership rule.
 */
public final class OwnerClients {

    private OwnerClients() {
    }

    /** The owner's success envelope; only {@code data} matters. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Envelope<T>(T data) {
    }

    /** An image as image-service shows it to its owner, with the object key of the original. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Image(String id, String format, String size, Integer width, Integer height, Long bytes, String generationId,
                        String chatId, String projectId, String prompt, String createdAt, String storageKey) {
    }

    /** A project or a chat: its name (for file names and folders) and when it last changed. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Named(String id, String name, String projectId, String updatedAt) {
    }

    @RegisterRestClient(configKey = "image-service")
    @Path("/v1/images")
    public interface Images {
        @GET
        @Path("/{id}")
        @Timeout(value = 2, unit = ChronoUnit.SECONDS)
        @Retry(maxRetries = 2, delay = 100, abortOn = WebApplicationException.class)
        @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, skipOn = WebApplicationException.class)
        Uni<Envelope<Image>> image(@PathParam("id") String id, @HeaderParam("Authorization") String bearer,
                                   @HeaderParam("X-Request-Id") String requestId);

        @ClientExceptionMapper
        static RuntimeException map(Response response) {
            return OwnerLookup.serverError(response);
        }
    }

    @RegisterRestClient(configKey = "project-service")
    @Path("/v1/projects")
    public interface Projects {
        @GET
        @Path("/{id}")
        @Timeout(value = 2, unit = ChronoUnit.SECONDS)
        @Retry(maxRetries = 1, delay = 100, abortOn = WebApplicationException.class)
        @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, skipOn = WebApplicationException.class)
        Uni<Envelope<Named>> project(@PathParam("id") String id, @HeaderParam("Authorization") String bearer,
                                     @HeaderParam("X-Request-Id") String requestId);

        @ClientExceptionMapper
        static RuntimeException map(Response response) {
            return OwnerLookup.serverError(response);
        }
    }

    @RegisterRestClient(configKey = "chat-service")
    @Path("/v1/chats")
    public interface Chats {
        @GET
        @Path("/{id}")
        @Timeout(value = 2, unit = ChronoUnit.SECONDS)
        @Retry(maxRetries = 1, delay = 100, abortOn = WebApplicationException.class)
        @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, skipOn = WebApplicationException.class)
        Uni<Envelope<Named>> chat(@PathParam("id") String id, @HeaderParam("Authorization") String bearer,
                                  @HeaderParam("X-Request-Id") String requestId);

        @ClientExceptionMapper
        static RuntimeException map(Response response) {
            return OwnerLookup.serverError(response);
        }
    }
}
