package dev.companion.gateway.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.api.ApiError;
import dev.companion.common.api.ErrorCode;
import dev.companion.common.api.ErrorResponse;
import dev.companion.common.id.Ids;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;

/**
 * Writes the gateway's own refusals and failures (400, 401, 404, 408, 413, 414, 415, 429, 431, 503,
 * 504) in the seed's error envelope.
 */
@ApplicationScoped
public class ErrorReplies {

    /** Not in the seed's code list; the gateway's answer to a {@code Content-Type} it cannot parse (415). */
    public static final String UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE";

    private final ObjectMapper mapper;

    public ErrorReplies(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public void send(RoutingContext ctx, ErrorCode code, String message, Map<String, Object> details) {
        send(ctx, code.status(), code.name(), message, details);
    }

    /** An answer whose status is not the code's own (414, 431 as {@code VALIDATION_ERROR}; 415). */
    public void send(RoutingContext ctx, int status, String code, String message, Map<String, Object> details) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            // a streamed answer already started: the only honest signal left is to cut it
            ctx.request().connection().close();
            return;
        }
        String requestId = ctx.get(ProxyRoutes.REQUEST_ID);
        ErrorResponse envelope = new ErrorResponse(false,
                new ApiError(code, message, details == null || details.isEmpty() ? null : details),
                ErrorResponse.Timestamps.now(), requestId == null ? Ids.newId("req") : requestId);
        String body;
        try {
            body = mapper.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body);
    }

    public void tooLarge(RoutingContext ctx, long maxBodySize) {
        send(ctx, ErrorCode.PAYLOAD_TOO_LARGE, "Payload too large",
                Map.of("field", "body", "constraint", "maxSize", "value", maxBodySize));
    }
}
