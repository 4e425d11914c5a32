package dev.companion.chat.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
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

    /**
     * The caller's instruction sets that apply to a chat: global, its project's and its own (project-service
     * filters by the chat's project), oldest first, as full views with {@code updatedAt}. Short timeout:
     * a send waits for it.
     */
    @GET
    @Path("/instructions")
    @Timeout(value = 1, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 1, delay = 50, abortOn = WebApplicationException.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, skipOn = WebApplicationException.class)
    Uni<Envelope<InstructionPage>> instructionsOfChat(@QueryParam("chatId") String chatId, @QueryParam("page") int page,
                                                     @QueryParam("limit") int limit, @HeaderParam("Authorization") String bearer,
                                                     @HeaderParam("X-Request-Id") String requestId);

    /** Creates a project for the caller ({@code POST /v1/ask} without a chat, when the user has none yet). */
    @jakarta.ws.rs.POST
    @Path("/projects")
    @jakarta.ws.rs.Consumes("application/json")
    @Timeout(value = 2, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, skipOn = WebApplicationException.class)
    Uni<Envelope<Project>> createProject(java.util.Map<String, Object> body, @HeaderParam("Authorization") String bearer,
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

    /** One page of {@code GET /v1/instructions}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record InstructionPage(List<Instruction> instructions, Pagination pagination) {
    }

    /** project-service's {@code InstructionView}; {@code instructions} is the seed's body (role, style, constraints, examples). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Instruction(String id, String name, String scope, String projectId, String chatId, String mode,
                       JsonNode instructions, String createdAt, String updatedAt) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Pagination(int page, int limit, long total, int pages) {
    }
}
