package dev.companion.chat.client;

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
 * image-service, the owner of the user's image library, asked about an image attached to a prompt by
 * {@code imageId}. The caller's token goes along, so image-service applies its ownership rule (another
 * user's image is its 404). An owner's 4xx is an answer; only failures trip the breaker ({@link OwnerLookup}).
 */
@RegisterRestClient(configKey = "image-service")
@Path("/v1/images")
public interface ImageServiceClient {

    @GET
    @Path("/{id}")
    @Timeout(value = 2, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 1, delay = 100, abortOn = WebApplicationException.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, skipOn = WebApplicationException.class)
    Uni<Envelope<Image>> image(@PathParam("id") String id, @HeaderParam("Authorization") String bearer,
                               @HeaderParam("X-Request-Id") String requestId);

    @ClientExceptionMapper
    static RuntimeException map(Response response) {
        return OwnerLookup.serverError(response);
    }

    /** The owner's success envelope; only {@code data} matters here. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Envelope<T>(T data) {
    }

    /** What chat-service needs of image-service's {@code ImageView}: the presigned original and its metadata. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Image(String id, String url, String format, Integer width, Integer height, Long bytes) {
    }
}
