package dev.companion.gateway.routing;

import dev.companion.common.api.ErrorCode;
import dev.companion.gateway.config.GatewayConfig;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.Map;

/**
 * What every request must pass, checked first on the router (before Quarkus' own upload limit and
 * before any path is matched) so that each refusal is in the seed's envelope: request target longer
 * than {@code gateway.proxy.max-uri-length} → 414, header lines larger than {@code max-header-size}
 * → 431, a path without a {@link CanonicalPath} → 400, a {@code Content-Length} above {@code
 * max-body-size} → 413. Vert.x' decoder limits ({@code
 * quarkus.http.limits.max-initial-line-length}, {@code max-header-size}) sit above these; what
 * exceeds even those is answered by Vert.x without a body (Quarkus 3.32 offers no hook there).
 * A failure of any gateway route also ends here, as a 500 in the envelope.
 */
@ApplicationScoped
public class EdgeLimits {

    private static final Logger LOG = Logger.getLogger(EdgeLimits.class);
    /** Before Quarkus' upload limit ({@link RouteConstants#ROUTE_ORDER_UPLOAD_LIMIT}), which would answer 413 bare. */
    static final int ORDER = RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1;

    private final GatewayConfig.Proxy config;
    private final ErrorReplies errors;

    public EdgeLimits(GatewayConfig config, ErrorReplies errors) {
        this.config = config.proxy();
        this.errors = errors;
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::check).failureHandler(this::failed);
        // what Vert.x-web itself refuses while matching routes (a malformed percent-escape: 400), or when nothing matches
        for (int status : new int[]{400, 404, 405, 500}) {
            router.errorHandler(status, this::failed);
        }
    }

    /**
     * A refused request's small body is skipped by Vert.x and the connection stays open: closing it with
     * the body unread resets it, and the client loses the answer (HostileInputIT saw a bare 414). A large
     * or unannounced body is not worth reading: then the connection closes after the answer.
     */
    private static void closeIfBodyIsLarge(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        boolean chunked = ctx.request().headers().contains("Transfer-Encoding");
        if (chunked || (length != null && parseLength(length) > 1024 * 1024)) {
            ctx.response().putHeader("Connection", "close");
        }
    }

    void check(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String uri = request.uri();
        if (uri != null && uri.length() > config.maxUriLength()) {
            ProxyRoutes.assignRequestId(ctx);
            closeIfBodyIsLarge(ctx);
            errors.send(ctx, 414, ErrorCode.VALIDATION_ERROR.name(), "Request URI too long",
                    Map.of("field", "uri", "constraint", "maxLength", "value", config.maxUriLength()));
            return;
        }
        if (headerBytes(request.headers()) > config.maxHeaderSize()) {
            ProxyRoutes.assignRequestId(ctx);
            closeIfBodyIsLarge(ctx);
            errors.send(ctx, 431, ErrorCode.VALIDATION_ERROR.name(), "Request headers too large",
                    Map.of("field", "headers", "constraint", "maxSize", "value", config.maxHeaderSize()));
            return;
        }
        CanonicalPath.Outcome canonical = CanonicalPath.of(request.path());
        if (canonical.refused()) {
            ProxyRoutes.assignRequestId(ctx);
            errors.send(ctx, ErrorCode.VALIDATION_ERROR, canonical.message(), Map.of("field", "path", "constraint", canonical.refusal()));
            return;
        }
        String length = request.getHeader("Content-Length");
        if (length != null && parseLength(length) > config.maxBodySize()) {
            ProxyRoutes.assignRequestId(ctx);
            ctx.response().putHeader("Connection", "close");
            errors.tooLarge(ctx, config.maxBodySize());
            return;
        }
        ctx.next();
    }

    /** Anything a route of the gateway fails with: the envelope, never a stack trace or an HTML page. */
    void failed(RoutingContext ctx) {
        int status = ctx.statusCode() >= 400 && ctx.statusCode() <= 599 ? ctx.statusCode() : 500;
        if (status >= 500) {
            LOG.errorf(ctx.failure(), "request %s %s failed", ctx.request().method(), ctx.request().path());
        }
        if (ctx.get(ProxyRoutes.REQUEST_ID) == null) {
            ProxyRoutes.assignRequestId(ctx);
        }
        String message = switch (status) {
            case 400 -> "Malformed request";
            case 401 -> "Invalid or expired token";
            case 403 -> "Insufficient permissions";
            case 404 -> "Resource not found";
            case 405 -> "Method not allowed";
            case 413 -> "Payload too large";
            default -> status >= 500 ? "Internal server error" : "Invalid request";
        };
        errors.send(ctx, status, ErrorCode.forStatus(status).name(), message, null);
    }

    /** The size of the header block as sent: each line is name, ": ", value and CRLF. */
    static long headerBytes(MultiMap headers) {
        long total = 0;
        for (Map.Entry<String, String> h : headers) {
            total += h.getKey().length() + h.getValue().length() + 4;
        }
        return total;
    }

    static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
