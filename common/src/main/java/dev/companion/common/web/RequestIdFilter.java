package dev.companion.common.web;

import dev.companion.common.api.ApiResponse;
import dev.companion.common.api.ErrorResponse;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Request id in → logs (MDC) → envelope → response header; events pick it up through
 * {@link RequestIds#current()}.
 */
public class RequestIdFilter {

    static final String PROPERTY = "companion.requestId";

    @ServerRequestFilter(preMatching = true, priority = 10)
    public void assignRequestId(ContainerRequestContext request) {
        String id = RequestIds.acceptOrCreate(request.getHeaderString(RequestIds.HEADER));
        request.setProperty(PROPERTY, id);
        RequestIds.set(id);
        MDC.put("requestId", id);
        Traces.tagRequestId(id);
    }

    @ServerResponseFilter(priority = 10)
    public void stampResponse(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(PROPERTY);
        String requestId = id == null ? RequestIds.acceptOrCreate(null) : id.toString();
        response.getHeaders().putSingle(RequestIds.HEADER, requestId);
        Object entity = response.getEntity();
        if (entity instanceof ApiResponse<?> ok && ok.requestId() == null) {
            response.setEntity(ok.stamped(ErrorResponse.Timestamps.now(), requestId));
        } else if (entity instanceof ErrorResponse err && !requestId.equals(err.requestId())) {
            response.setEntity(new ErrorResponse(false, err.error(), err.timestamp(), requestId));
        }
    }
}
