package dev.companion.gateway.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.api.ErrorCode;
import dev.companion.common.api.ErrorResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;

/** Writes the gateway's own failures (401, 404, 413, 429, 503, 504) in the seed's error envelope. */
@ApplicationScoped
public class ErrorReplies {

    private final ObjectMapper mapper;

    public ErrorReplies(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public void send(RoutingContext ctx, ErrorCode code, String message, Map<String, Object> details) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            // a streamed answer already started: the only honest signal left is to cut it
            ctx.request().connection().close();
            return;
        }
        String body;
        try {
            body = mapper.writeValueAsString(ErrorResponse.of(code, message, details, ctx.get(ProxyRoutes.REQUEST_ID)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        response.setStatusCode(code.status())
                .putHeader("Content-Type", "application/json")
                .end(body);
    }
}
