package dev.companion.common.client;

import dev.companion.common.api.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.function.Supplier;

/**
 * Read-your-writes across services: when a read model has not (yet) seen a resource, the service asks
 * the owning service instead of answering 404. Only the owner's "no" (404, or 403: not yours) becomes
 * 404; the owner away (connection refused, timeout, 5xx, circuit open) becomes 503 with
 * {@code Retry-After}, never a false "not found".
 *
 * <p>The REST client of each service calls the owner with the caller's own token (so the owner applies
 * its ownership rule), maps 5xx through {@link #serverError} in a {@code @ClientExceptionMapper}, and
 * carries {@code @Timeout}, {@code @Retry(abortOn = WebApplicationException.class)} and
 * {@code @CircuitBreaker(skipOn = WebApplicationException.class)}: an owner's 4xx is an answer, not a fault.
 */
public final class OwnerLookup {

    /** Retry-After when the owner failed a call; when its circuit is open the breaker's delay is longer. */
    static final int RETRY_AFTER_FAILED = 2;
    static final int RETRY_AFTER_OPEN = 5;

    private OwnerLookup() {
    }

    /** {@code Authorization} value that passes the caller's token on. */
    public static String bearer(JsonWebToken caller) {
        return "Bearer " + caller.getRawToken();
    }

    /** Runs {@code call} against {@code owner} and turns its failures into this system's answers. */
    public static <T> Uni<T> ask(String owner, String resource, String id, Supplier<Uni<T>> call) {
        Uni<T> uni;
        try {
            uni = call.get();
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(classify(e, owner, resource, id));
        }
        return uni.onFailure().transform(t -> classify(t, owner, resource, id));
    }

    /** For a REST client's {@code @ClientExceptionMapper}: a 5xx is the owner's fault (retried, counted). */
    public static RuntimeException serverError(Response response) {
        if (response.getStatus() >= 500) {
            return new OwnerUnavailableException(response.getStatus());
        }
        return null; // 4xx: the default mapping (WebApplicationException), an answer and not a fault
    }

    static RuntimeException classify(Throwable t, String owner, String resource, String id) {
        if (t instanceof ApiException api) {
            return api;
        }
        if (t instanceof WebApplicationException wae && wae.getResponse() != null) {
            int status = wae.getResponse().getStatus();
            if (status == 404 || status == 403) {
                return ApiException.notFound(resource, id);
            }
            if (status == 401) {
                return ApiException.unauthorized("Invalid or expired token");
            }
            if (status == 429) {
                // the owner is shedding load: it did not say "does not exist", so no 404
                return ApiException.unavailable(owner, resource, id, RETRY_AFTER_FAILED);
            }
            if (status < 500) {
                // the owner refused the question itself (e.g. a malformed id): nothing by that id exists
                return ApiException.notFound(resource, id);
            }
        }
        int retryAfter = t instanceof CircuitBreakerOpenException ? RETRY_AFTER_OPEN : RETRY_AFTER_FAILED;
        return ApiException.unavailable(owner, resource, id, retryAfter);
    }

    /** The owner answered 5xx. */
    public static final class OwnerUnavailableException extends RuntimeException {
        public OwnerUnavailableException(int status) {
            super("owner answered " + status, null, false, false);
        }
    }
}
