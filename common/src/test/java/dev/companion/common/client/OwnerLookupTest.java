package dev.companion.common.client;

import dev.companion.common.api.ApiException;
import dev.companion.common.api.ErrorCode;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Only the owner saying "no such thing (of yours)" is a 404; everything else it answers or fails with is not. */
class OwnerLookupTest {

    private static ApiException answer(Throwable failure) {
        Throwable t = Uni.createFrom().failure(failure)
                .onFailure().transform(f -> OwnerLookup.classify(f, "project-service", "project", "proj_1"))
                .onItemOrFailure().transform((item, f) -> f).await().indefinitely();
        return assertInstanceOf(ApiException.class, t);
    }

    private static WebApplicationException status(int status) {
        return new WebApplicationException(Response.status(status).build());
    }

    @Test
    void theOwnersNotFoundOrNotYoursIsNotFound() {
        assertEquals(ErrorCode.NOT_FOUND, answer(status(404)).code());
        assertEquals(ErrorCode.NOT_FOUND, answer(status(403)).code());
        assertEquals(ErrorCode.UNAUTHORIZED, answer(status(401)).code());
    }

    @Test
    void anOwnerThatIsAwayOrSheddingLoadIsUnavailableWithRetryAfter() {
        for (Throwable away : new Throwable[] {status(429), new OwnerLookup.OwnerUnavailableException(500),
                new TimeoutException("slow"), new java.net.ConnectException("refused")}) {
            ApiException e = answer(away);
            assertEquals(ErrorCode.SERVICE_UNAVAILABLE, e.code(), away.toString());
            assertEquals(OwnerLookup.RETRY_AFTER_FAILED, e.retryAfterSeconds(), away.toString());
            assertEquals("project-service", e.details().get("service"));
        }
        assertEquals(OwnerLookup.RETRY_AFTER_OPEN, answer(new CircuitBreakerOpenException("open")).retryAfterSeconds());
    }
}
