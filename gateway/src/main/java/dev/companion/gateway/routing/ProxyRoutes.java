package dev.companion.gateway.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.companion.common.api.ErrorCode;
import dev.companion.common.api.ErrorResponse;
import dev.companion.common.web.RequestIds;
import dev.companion.common.web.Traces;
import dev.companion.gateway.ratelimit.RateLimitDecision;
import dev.companion.gateway.ratelimit.RateLimiter;
import dev.companion.gateway.security.ApiKeyExchange;
import dev.companion.gateway.security.RevocationList;
import dev.companion.gateway.security.TokenVerifier;
import dev.companion.gateway.security.VerifiedToken;
import dev.companion.gateway.ws.SocketLimits;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The gateway's request pipeline on the Vert.x router, ahead of RESTEasy (after {@link
 * EdgeLimits}): canonical path ({@link CanonicalPath}) → request id → route lookup → JWT
 * check → the route's scope (403 {@code requiredScope}) → revocation list (401) → rate limit → {@code Content-Type} check (415) → forward of the canonical path. Route,
 * public/private and rate-limit rule are all decided on the canonical path, and the service gets
 * that same path. {@code /v1/health} goes through the same id and
 * rate-limit steps and is then answered by {@code HealthResource}; {@code /v1/ws} is left to the
 * WebSocket endpoint. {@code /docs/openapi/{service}} serves each service's OpenAPI document.
 */
@ApplicationScoped
public class ProxyRoutes {

    public static final String REQUEST_ID = "companion.requestId";
    /** The verified token of the exchange (absent on public paths). */
    static final String TOKEN = "companion.token";
    /** Canonical paths the gateway proxies (or answers: {@code /v1/health}, {@code /v1/ws}). */
    private static final Pattern PROXIED = Pattern.compile("^/(v1|\\.well-known)(/.*)?$");
    /** Answered by the gateway from its rate-limit store ({@link #answerLimits}), not forwarded. */
    private static final Pattern LIMITS = Pattern.compile("^/v1/user/limits/?$");
    private static final Logger LOG = Logger.getLogger(ProxyRoutes.class);

    private final RouteTable routes;
    private final TokenVerifier tokens;
    private final RateLimiter rateLimiter;
    private final Forwarder forwarder;
    private final ErrorReplies errors;
    private final RevocationList revocations;
    private final WebSocketRelay webSockets;
    private final ApiKeyExchange apiKeys;
    private final SocketLimits socketLimits;
    private final ObjectMapper mapper;

    public ProxyRoutes(RouteTable routes, TokenVerifier tokens, RateLimiter rateLimiter, Forwarder forwarder, ErrorReplies errors,
                       RevocationList revocations, WebSocketRelay webSockets, ApiKeyExchange apiKeys, SocketLimits socketLimits,
                       ObjectMapper mapper) {
        this.socketLimits = socketLimits;
        this.mapper = mapper;
        this.revocations = revocations;
        this.webSockets = webSockets;
        this.apiKeys = apiKeys;
        this.routes = routes;
        this.tokens = tokens;
        this.rateLimiter = rateLimiter;
        this.forwarder = forwarder;
        this.errors = errors;
    }

    void install(@Observes Router router) {
        // every path: the prefix is judged on the canonical path, not on what Vert.x makes of the raw one
        router.route().order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::handle);
        router.get("/docs/openapi/:service").order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::openApi);
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        CanonicalPath.Outcome canonical = CanonicalPath.of(request.path());
        if (canonical.refused()) {
            // EdgeLimits refuses these before any route; kept so this handler never works on a raw path
            assignRequestId(ctx);
            errors.send(ctx, ErrorCode.VALIDATION_ERROR, canonical.message(), Map.of("field", "path", "constraint", canonical.refusal()));
            return;
        }
        String path = canonical.path();
        if (!PROXIED.matcher(path).matches()) {
            // /q/**, /docs/**: the gateway's own endpoints
            ctx.next();
            return;
        }
        boolean health = "/v1/health".equals(path) || "/v1/health/".equals(path);
        boolean webSocket = "/v1/ws".equals(path);
        if ((health || webSocket) && !path.equals(request.path())) {
            // answered here, not forwarded: let the router see the canonical path (this handler runs again)
            ctx.reroute(withQuery(path, request.query()));
            return;
        }
        if (webSocket) {
            ctx.next();
            return;
        }
        if (RouteTable.AGENT_SOCKET.equals(path) && WebSocketRelay.isUpgrade(request)) {
            // the agents' socket lives in chat-service, which authenticates it in-band (browsers cannot send headers)
            assignRequestId(ctx);
            webSockets.relay(ctx, routes.find(path).orElseThrow(), withQuery(path, request.query()), clientIp(request));
            return;
        }
        // the body must wait for the token check and the rate limit, then stream to the service
        request.pause();
        assignRequestId(ctx);

        Optional<Upstream> upstream = health ? Optional.empty() : routes.find(path);
        if (!health && upstream.isEmpty()) {
            errors.send(ctx, ErrorCode.NOT_FOUND, "Resource not found", Map.of("path", path));
            return;
        }
        String bearer = TokenVerifier.bearer(request.getHeader("Authorization"));
        Future<VerifiedToken> auth = routes.isPublic(path)
                ? Future.succeededFuture(null)
                : ApiKeyExchange.isApiKey(bearer)
                // an API token's secret as the bearer: the service gets the JWT it is exchanged for
                ? apiKeys.exchange(bearer).compose(jwt -> {
                    request.headers().set("Authorization", "Bearer " + jwt);
                    return tokens.verify(jwt);
                })
                : tokens.verify(bearer);
        Context context = Vertx.currentContext();
        auth.onFailure(e -> {
                    if (e instanceof ApiKeyExchange.UnavailableException) {
                        // auth-service gave no verdict on the API key: retry later, the key is not known bad
                        LOG.warnf("API key exchange of request %s failed: %s", ctx.get(REQUEST_ID), e.getMessage());
                        ctx.response().putHeader("Retry-After", "5");
                        errors.send(ctx, ErrorCode.SERVICE_UNAVAILABLE, "Authentication is temporarily unavailable",
                                Map.of("service", "auth"));
                        return;
                    }
                    errors.send(ctx, ErrorCode.UNAUTHORIZED,
                            e instanceof TokenVerifier.InvalidTokenException ? e.getMessage() : "Invalid or expired token", null);
                })
                .onSuccess(token -> {
                    String required = token == null ? null : routes.requiredScope(path);
                    if (token != null && !token.grants(required)) {
                        errors.send(ctx, ErrorCode.FORBIDDEN, "This token's scope does not allow this route",
                                Map.of("requiredScope", required));
                        return;
                    }
                    revocations.isRevoked(token).subscribe().with(revoked -> context.runOnContext(v -> {
                        if (ctx.response().closed()) {
                            return; // the client left while its token was looked up: nothing to forward
                        }
                        if (revoked) {
                            errors.send(ctx, ErrorCode.UNAUTHORIZED, "Token revoked", null);
                        } else {
                            limit(ctx, token, health, upstream, path, context);
                        }
                    }), failure -> context.runOnContext(v -> limit(ctx, token, health, upstream, path, context)));
                });
    }

    private void limit(RoutingContext ctx, VerifiedToken token, boolean health, Optional<Upstream> upstream, String path, Context context) {
        if (token != null) {
            ctx.put(TOKEN, token);
        }
        rateLimiter.check(path, token == null ? null : token.userId(), token == null ? null : token.plan(), clientIp(ctx.request()))
                .subscribe().with(
                        decision -> context.runOnContext(v -> {
                            if (token != null) {
                                socketLimits.counted(token.userId(), rateLimiter.ruleFor(path).name(), decision.remaining(), decision.limit());
                            }
                            admit(ctx, decision, health, upstream, path);
                        }),
                        failure -> context.runOnContext(v -> {
                            // the shared store is down: serve rather than refuse everyone
                            LOG.warnf("rate-limit store unavailable, request %s admitted: %s", ctx.get(REQUEST_ID), failure.toString());
                            proceed(ctx, health, upstream, path);
                        }));
    }

    private void admit(RoutingContext ctx, RateLimitDecision decision, boolean health, Optional<Upstream> upstream, String path) {
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
        proceed(ctx, health, upstream, path);
    }

    private void proceed(RoutingContext ctx, boolean health, Optional<Upstream> upstream, String path) {
        HttpServerRequest request = ctx.request();
        if (ctx.response().closed()) {
            // the client went away during the asynchronous checks: forwarding now would wait on a service
            // for nobody (and blame it when it is slow)
            return;
        }
        if (health) {
            request.resume();
            ctx.next();
            return;
        }
        if (LIMITS.matcher(path).matches()) {
            answerLimits(ctx);
            return;
        }
        if (!acceptableContentType(request)) {
            // the body stays unread: the connection cannot be reused
            ctx.response().putHeader("Connection", "close");
            errors.send(ctx, 415, ErrorReplies.UNSUPPORTED_MEDIA_TYPE, "Malformed Content-Type",
                    Map.of("field", "Content-Type", "constraint", "mediaType"));
            return;
        }
        // the service sees exactly the path the gateway judged
        forwarder.forward(ctx, upstream.orElseThrow(), withQuery(path, request.query()));
    }

    /**
     * {@code GET /v1/user/limits}: every rate-limit rule as the caller stands against it, read from the
     * store the gateway counts in (exact across replicas). Only GET exists.
     */
    private void answerLimits(RoutingContext ctx) {
        if (ctx.request().method() != HttpMethod.GET) {
            errors.send(ctx, ErrorCode.NOT_FOUND, "Resource not found", Map.of("path", "/v1/user/limits", "method", ctx.request().method().name()));
            return;
        }
        VerifiedToken token = ctx.get(TOKEN);
        Context context = Vertx.currentContext();
        rateLimiter.limits(token.userId(), token.plan(), clientIp(ctx.request())).subscribe().with(
                limits -> context.runOnContext(v -> {
                    if (ctx.response().ended() || ctx.response().closed()) {
                        return;
                    }
                    ObjectNode body = mapper.createObjectNode();
                    body.put("success", true);
                    body.set("data", mapper.valueToTree(limits));
                    body.put("timestamp", ErrorResponse.Timestamps.now());
                    body.put("requestId", (String) ctx.get(REQUEST_ID));
                    ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(body.toString());
                }),
                failure -> context.runOnContext(v -> {
                    LOG.warnf("rate-limit store unavailable, limits of request %s not read: %s", ctx.get(REQUEST_ID), failure.toString());
                    errors.send(ctx, ErrorCode.SERVICE_UNAVAILABLE, "Limits are unavailable right now", Map.of("store", "rate-limit"));
                }));
    }

    /**
     * A body needs one {@code Content-Type} that parses; on a request without a body a broken one
     * means nothing and is dropped rather than handed to a service that would choke on it.
     */
    private static boolean acceptableContentType(HttpServerRequest request) {
        List<String> types = request.headers().getAll("Content-Type");
        if (types.isEmpty() || (types.size() == 1 && MediaTypeSyntax.isWellFormed(types.get(0)))) {
            return true;
        }
        if (hasBody(request)) {
            return false;
        }
        request.headers().remove("Content-Type");
        return true;
    }

    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        if (length != null) {
            return EdgeLimits.parseLength(length) != 0;
        }
        HttpMethod method = request.method();
        return request.headers().contains("Transfer-Encoding")
                || method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
    }

    private static String withQuery(String path, String query) {
        return query == null ? path : path + "?" + query;
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

    /** Takes the client's harmless {@code X-Request-Id} or makes one; the same for the whole exchange. */
    static void assignRequestId(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String assigned = ctx.get(REQUEST_ID);
        String requestId = assigned != null ? assigned : RequestIds.acceptOrCreate(request.getHeader(RequestIds.HEADER));
        request.headers().set(RequestIds.HEADER, requestId);
        ctx.put(REQUEST_ID, requestId);
        ctx.response().putHeader(RequestIds.HEADER, requestId);
        Traces.tagRequestId(requestId);
    }

    /** The client's address (Quarkus rewrites it from X-Forwarded-For when proxy forwarding is trusted). */
    static String clientIp(HttpServerRequest request) {
        return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }
}
