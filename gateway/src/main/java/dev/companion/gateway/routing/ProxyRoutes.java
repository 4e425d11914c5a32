package dev.companion.gateway.routing;

import dev.companion.common.api.ErrorCode;
import dev.companion.common.web.RequestIds;
import dev.companion.gateway.ratelimit.RateLimitDecision;
import dev.companion.gateway.ratelimit.RateLimiter;
import dev.companion.gateway.security.TokenVerifier;
import dev.companion.gateway.security.VerifiedToken;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Optional;

/**
 * The gateway's request pipeline on the Vert.x router, ahead of RESTEasy: request id → route
 * lookup → JWT check → rate limit → forward. {@code /v1/health} goes through the same id and
 * rate-limit steps and is then answered by {@code HealthResource}; {@code /v1/ws} is left to the
 * WebSocket endpoint. {@code /docs/openapi/{service}} serves each service's OpenAPI document.
 */
@ApplicationScoped
public class ProxyRoutes {

    public static final String REQUEST_ID = "companion.requestId";
    private static final Logger LOG = Logger.getLogger(ProxyRoutes.class);

    private final RouteTable routes;
    private final TokenVerifier tokens;
    private final RateLimiter rateLimiter;
    private final Forwarder forwarder;
    private final ErrorReplies errors;

    public ProxyRoutes(RouteTable routes, TokenVerifier tokens, RateLimiter rateLimiter, Forwarder forwarder, ErrorReplies errors) {
        this.routes = routes;
        this.tokens = tokens;
        this.rateLimiter = rateLimiter;
        this.forwarder = forwarder;
        this.errors = errors;
    }

    void install(@Observes Router router) {
        router.routeWithRegex("^/(v1|\\.well-known)(/.*)?$").order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::handle);
        router.get("/docs/openapi/:service").order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::openApi);
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String path = request.path();
        if ("/v1/ws".equals(path)) {
            ctx.next();
            return;
        }
        // the body must wait for the token check and the rate limit, then stream to the service
        request.pause();
        assignRequestId(ctx);

        boolean health = "/v1/health".equals(path) || "/v1/health/".equals(path);
        Optional<Upstream> upstream = health ? Optional.empty() : routes.find(path);
        if (!health && upstream.isEmpty()) {
            errors.send(ctx, ErrorCode.NOT_FOUND, "Resource not found", Map.of("path", path));
            return;
        }
        Future<VerifiedToken> auth = routes.isPublic(path)
                ? Future.succeededFuture(null)
                : tokens.verify(TokenVerifier.bearer(request.getHeader("Authorization")));
        Context context = Vertx.currentContext();
        auth.onFailure(e -> errors.send(ctx, ErrorCode.UNAUTHORIZED,
                        e instanceof TokenVerifier.InvalidTokenException ? e.getMessage() : "Invalid or expired token", null))
                .onSuccess(token -> rateLimiter.check(path, token == null ? null : token.userId(), token == null ? null : token.plan(), clientIp(request))
                        .subscribe().with(
                                decision -> context.runOnContext(v -> admit(ctx, decision, health, upstream)),
                                failure -> context.runOnContext(v -> {
                                    // the shared store is down: serve rather than refuse everyone
                                    LOG.warnf("rate-limit store unavailable, request %s admitted: %s", ctx.get(REQUEST_ID), failure.toString());
                                    proceed(ctx, health, upstream);
                                })));
    }

    private void admit(RoutingContext ctx, RateLimitDecision decision, boolean health, Optional<Upstream> upstream) {
        HttpServerResponse response = ctx.response();
        response.putHeader("X-RateLimit-Limit", Long.toString(decision.limit()))
                .putHeader("X-RateLimit-Remaining", Long.toString(decision.remaining()))
                .putHeader("X-RateLimit-Reset", Long.toString(decision.resetEpochSeconds()))
                .putHeader("X-RateLimit-Reset-After", Long.toString(decision.resetAfterSeconds()));
        if (!decision.allowed()) {
            response.putHeader("Retry-After", Long.toString(Math.max(1, decision.resetAfterSeconds())));
            errors.send(ctx, ErrorCode.RATE_LIMIT, "Rate limit exceeded",
                    Map.of("limit", decision.limit(), "retryAfter", Math.max(1, decision.resetAfterSeconds())));
            return;
        }
        proceed(ctx, health, upstream);
    }

    private void proceed(RoutingContext ctx, boolean health, Optional<Upstream> upstream) {
        if (health) {
            ctx.request().resume();
            ctx.next();
        } else {
            forwarder.forward(ctx, upstream.orElseThrow(), ctx.request().uri());
        }
    }

    /** {@code GET /docs/openapi/{service}}: the service's own {@code /q/openapi} document, as JSON. */
    void openApi(RoutingContext ctx) {
        ctx.request().pause();
        assignRequestId(ctx);
        String service = ctx.pathParam("service");
        Optional<Upstream> upstream = routes.byName(service);
        if (upstream.isEmpty()) {
            errors.send(ctx, ErrorCode.NOT_FOUND, "Resource not found", Map.of("resource", "service", "id", service));
            return;
        }
        forwarder.forward(ctx, upstream.get(), "/q/openapi?format=json");
    }

    private static void assignRequestId(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String requestId = RequestIds.acceptOrCreate(request.getHeader(RequestIds.HEADER));
        request.headers().set(RequestIds.HEADER, requestId);
        ctx.put(REQUEST_ID, requestId);
        ctx.response().putHeader(RequestIds.HEADER, requestId);
    }

    /** The client's address (Quarkus rewrites it from X-Forwarded-For when proxy forwarding is trusted). */
    static String clientIp(HttpServerRequest request) {
        return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }
}
