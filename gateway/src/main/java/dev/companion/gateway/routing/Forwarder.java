package dev.companion.gateway.routing;

import dev.companion.common.api.ErrorCode;
import dev.companion.common.web.RequestIds;
import dev.companion.common.web.Traces;
import dev.companion.gateway.config.GatewayConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Forwards one request to a service with Vert.x HTTP proxy: bodies stream both ways (no
 * buffering, so uploads, zips and SSE pass as they come), hop-by-hop headers are dropped by the
 * proxy, {@code X-Forwarded-*} and {@code X-Request-Id} are set. Each exchange runs under the
 * service's {@link UpstreamBreaker}. Failures become 503 (service down or circuit open), 504 (no
 * answer in time), 413 (body too large) or 408 (the client's body stalled), in the seed envelope; a
 * client that went away gets nothing and costs the service nothing.
 */
@ApplicationScoped
public class Forwarder {

    private static final Logger LOG = Logger.getLogger(Forwarder.class);

    private final HttpClient client;
    private final GatewayConfig.Proxy config;
    private final ErrorReplies errors;
    private final Map<String, UpstreamBreaker> breakers = new ConcurrentHashMap<>();

    public Forwarder(Vertx vertx, GatewayConfig config, ErrorReplies errors) {
        this.config = config.proxy();
        this.errors = errors;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setMaxPoolSize(this.config.maxConnectionsPerService())
                .setKeepAlive(true)
                .setConnectTimeout((int) this.config.connectTimeout().toMillis()));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    public UpstreamBreaker breaker(Upstream upstream) {
        return breakers.computeIfAbsent(upstream.name(), n -> new UpstreamBreaker(n,
                config.circuitBreaker().failureThreshold(), config.circuitBreaker().openDuration(), System::currentTimeMillis));
    }

    /** Sends the request of {@code ctx} (paused) to {@code upstream} at {@code uri}, and its answer back. */
    public void forward(RoutingContext ctx, Upstream upstream, String uri) {
        HttpServerRequest request = ctx.request();
        if (ctx.response().closed()) {
            LOG.debugf("client left before %s %s was forwarded to %s", request.method(), uri, upstream.name());
            return;
        }
        UpstreamBreaker breaker = breaker(upstream);
        Exchange exchange = new Exchange(ctx, upstream, uri);
        Context context = ctx.vertx().getOrCreateContext();
        breaker.<ProxyResponse>call(exchange::start)
                .whenComplete((answer, failure) -> context.runOnContext(v -> exchange.finish(breaker, answer, failure)));
    }

    /** One request on its way to a service and back. */
    private final class Exchange {
        private final RoutingContext ctx;
        private final HttpServerRequest request;
        private final Upstream upstream;
        private final String uri;
        private final AtomicBoolean overflowed = new AtomicBoolean(false);
        private final AtomicReference<HttpClientRequest> outbound = new AtomicReference<>();
        private long started;

        Exchange(RoutingContext ctx, Upstream upstream, String uri) {
            this.ctx = ctx;
            this.request = ctx.request();
            this.upstream = upstream;
            this.uri = uri;
        }

        /** Completes with the service's answer, or fails with {@link UpstreamBreaker.UpstreamFailure} or {@link ClientFault}. */
        CompletionStage<ProxyResponse> start() {
            started = System.currentTimeMillis();
            CompletableFuture<ProxyResponse> result = new CompletableFuture<>();
            ProxyRequest proxyRequest;
            try {
                proxyRequest = ProxyRequest.reverseProxy(request);
            } catch (IllegalStateException e) {
                // an HTTP/2 client reset its stream before we began (pausing it throws "Request has already
                // been read"): the client left, nothing is forwarded, the service did nothing wrong
                result.completeExceptionally(new ClientFault(ClientFault.Kind.GONE, e));
                return result;
            }
            proxyRequest.setURI(uri);
            setForwardingHeaders(proxyRequest);
            String length = request.getHeader("Content-Length");
            // no Content-Length: a chunked HTTP/1.1 body or an HTTP/2 body, whose size shows only while streaming
            boolean streamedBody = length == null && (request.headers().contains("Transfer-Encoding")
                    || request.method() == HttpMethod.POST || request.method() == HttpMethod.PUT || request.method() == HttpMethod.PATCH);
            if (streamedBody) {
                // the proxy chunks the outbound request only if the inbound one says so; an HTTP/2 body does not
                request.headers().set("Transfer-Encoding", "chunked");
                proxyRequest.setBody(Body.body(new BoundedBody(request, config.maxBodySize(), () -> {
                    overflowed.set(true);
                    HttpClientRequest out = outbound.get();
                    if (out != null) {
                        out.reset();
                    }
                    ctx.response().putHeader("Connection", "close");
                    errors.tooLarge(ctx, config.maxBodySize());
                }), -1));
            }

            RequestOptions options = new RequestOptions()
                    .setServer(SocketAddress.inetSocketAddress(upstream.port(), upstream.host()))
                    .setHost(upstream.host())
                    .setPort(upstream.port())
                    .setSsl(upstream.tls())
                    .setMethod(request.method())
                    .setURI(uri)
                    .setConnectTimeout(config.connectTimeout().toMillis())
                    .setIdleTimeout(config.idleTimeout().toMillis());

            client.request(options)
                    .compose(out -> {
                        outbound.set(out);
                        // resets (ours when the client leaves, or the service's) surface through the answer's future
                        out.exceptionHandler(e -> LOG.debugf("request to %s for %s %s: %s", upstream.name(), request.method(), uri, e.toString()));
                        if (ctx.response().closed()) {
                            // the client left while we connected: the proxy would not notice until the idle timeout
                            out.reset();
                            return Future.failedFuture(new StreamResetException(0));
                        }
                        out.idleTimeout(config.idleTimeout().toMillis());
                        return proxyRequest.send(out);
                    })
                    .onComplete(ar -> {
                        if (ar.succeeded()) {
                            ProxyResponse answer = ar.result();
                            if (config.circuitBreaker().failureStatuses().contains(answer.getStatusCode())) {
                                result.completeExceptionally(new UpstreamBreaker.UpstreamFailure(
                                        upstream.name() + " answered " + answer.getStatusCode(), null, answer));
                            } else {
                                result.complete(answer);
                            }
                            return;
                        }
                        Throwable e = ar.cause();
                        if (outbound.get() == null && isTimeout(e) && !ctx.response().closed()) {
                            // no connection of the pool came free in time: the gateway's own saturation, the
                            // body was never read (it is not the client's stall), and the service did not fail
                            result.completeExceptionally(new Saturated(e));
                            return;
                        }
                        ClientFault.Kind fault = clientFault(e);
                        // complete first: the breaker must learn every outcome, or a half-open circuit would wait forever
                        result.completeExceptionally(fault != null ? new ClientFault(fault, e)
                                : new UpstreamBreaker.UpstreamFailure(upstream.name() + " failed", e, null));
                        if (fault == null) {
                            releaseBody(proxyRequest);
                        }
                    });
            return result;
        }

        /** Why the exchange failed on the client's side, or null when the service is to blame. */
        private ClientFault.Kind clientFault(Throwable e) {
            if (overflowed.get()) {
                return ClientFault.Kind.BODY_TOO_LARGE;
            }
            if (ctx.response().closed() || isReset(e)) {
                // the client closed or reset its connection (or stream), or its body broke off: the proxy
                // reset our request in turn. We speak HTTP/1.1 to the services, where a stream reset only
                // ever comes from this side.
                return ClientFault.Kind.GONE;
            }
            if (isTimeout(e) && !request.isEnded() && outbound.get() != null) {
                // still waiting for the client's body: the silence is the client's, not the service's
                return ClientFault.Kind.BODY_STALLED;
            }
            return null;
        }

        void finish(UpstreamBreaker breaker, ProxyResponse answer, Throwable failure) {
            if (failure == null) {
                pass(answer);
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (UpstreamBreaker.isOpenRefusal(cause)) {
                ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, breaker.retryAfterSeconds())));
                errors.send(ctx, ErrorCode.SERVICE_UNAVAILABLE, "Service temporarily unavailable", Map.of("service", upstream.name()));
            } else if (cause instanceof Saturated) {
                LOG.warnf("no connection to %s free within %d ms for %s %s (gateway.proxy.max-connections-per-service=%d)",
                        upstream.name(), config.connectTimeout().toMillis(), request.method(), uri, config.maxConnectionsPerService());
                ctx.response().putHeader("Retry-After", "1");
                errors.send(ctx, ErrorCode.SERVICE_UNAVAILABLE, "Service busy, try again", Map.of("service", upstream.name(), "reason", "busy"));
            } else if (cause instanceof ClientFault fault) {
                LOG.debugf("%s %s to %s ended on the client's side (%s): %s", request.method(), uri, upstream.name(), fault.kind, String.valueOf(fault.getCause()));
                if (fault.kind == ClientFault.Kind.BODY_STALLED) {
                    ctx.response().putHeader("Connection", "close");
                    errors.send(ctx, 408, ErrorCode.VALIDATION_ERROR.name(), "Request body not received in time",
                            Map.of("field", "body", "constraint", "idleTimeout", "value", config.idleTimeout().toSeconds()));
                }
            } else if (cause instanceof UpstreamBreaker.UpstreamFailure upstreamFailure && upstreamFailure.answer() instanceof ProxyResponse failed) {
                pass(failed);
            } else if (cause instanceof UpstreamBreaker.UpstreamFailure && isTimeout(cause)) {
                LOG.warnf("%s did not answer %s %s within %d ms", upstream.name(), request.method(), uri, System.currentTimeMillis() - started);
                errors.send(ctx, ErrorCode.GATEWAY_TIMEOUT, "Service did not answer in time", Map.of("service", upstream.name()));
            } else if (cause instanceof UpstreamBreaker.UpstreamFailure) {
                LOG.warnf("%s unreachable for %s %s: %s", upstream.name(), request.method(), uri, String.valueOf(cause.getCause()));
                errors.send(ctx, ErrorCode.SERVICE_UNAVAILABLE, "Service temporarily unavailable", Map.of("service", upstream.name()));
            } else {
                LOG.errorf(cause, "forwarding %s %s to %s failed", request.method(), uri, upstream.name());
                errors.send(ctx, ErrorCode.SERVER_ERROR, "Internal server error", null);
            }
        }

        private void releaseBody(ProxyRequest proxyRequest) {
            try {
                proxyRequest.release();
            } catch (IllegalStateException e) {
                // the body was already consumed or the stream is gone: nothing left to drain
                LOG.debugf("body of %s %s not released: %s", request.method(), uri, e.toString());
            }
        }

        private void pass(ProxyResponse answer) {
            if (answer.getStatusCode() >= 400 && "0".equals(answer.headers().get("Content-Length"))) {
                // a refusal without a body: Vert.x' own (a request line over a service's decoder limit: 414,
                // headers: 431, a malformed request: 400). The client gets the envelope like for any other error.
                answer.release();
                int status = answer.getStatusCode();
                errors.send(ctx, status, ErrorCode.forStatus(status).name(), bareRefusalMessage(status), null);
                return;
            }
            // the gateway already set these; the service echoes the same id
            answer.headers().remove(RequestIds.HEADER);
            answer.send().onFailure(e -> {
                LOG.debugf("answer of %s for %s %s broke off: %s", upstream.name(), request.method(), uri, e.toString());
                request.connection().close();
            });
        }

        private static String bareRefusalMessage(int status) {
            return switch (status) {
                case 400 -> "Malformed request";
                case 404 -> "Resource not found";
                case 405 -> "Method not allowed";
                case 413 -> "Payload too large";
                case 414 -> "Request URI too long";
                case 431 -> "Request headers too large";
                default -> status >= 500 ? "Service failed" : "Invalid request";
            };
        }

        private void setForwardingHeaders(ProxyRequest proxyRequest) {
            String clientIp = ProxyRoutes.clientIp(request);
            String prior = request.getHeader("X-Forwarded-For");
            proxyRequest.headers().set("X-Forwarded-For", prior == null || prior.isBlank() ? clientIp : prior + ", " + clientIp);
            proxyRequest.headers().set("X-Forwarded-Proto", request.scheme() == null ? "http" : request.scheme());
            if (request.authority() != null) {
                proxyRequest.headers().set("X-Forwarded-Host", request.authority().toString());
            }
            proxyRequest.headers().set(RequestIds.HEADER, (String) ctx.get(ProxyRoutes.REQUEST_ID));
            // the service's server span continues the gateway's (W3C trace context); with tracing off the
            // client's own traceparent, if any, passes through untouched
            String traceparent = Traces.currentTraceparent();
            if (traceparent != null) {
                proxyRequest.headers().set(Traces.TRACEPARENT, traceparent);
            }
        }
    }

    /** The exchange ended because of the client: says nothing about the service's health. */
    /** Every pooled connection to the service stayed busy for the connect timeout. */
    static final class Saturated extends RuntimeException {
        Saturated(Throwable cause) {
            super("saturated", cause, false, false);
        }
    }

    static final class ClientFault extends RuntimeException {
        enum Kind { GONE, BODY_TOO_LARGE, BODY_STALLED }

        final Kind kind;

        ClientFault(Kind kind, Throwable cause) {
            super(kind.name(), cause, false, false);
            this.kind = kind;
        }
    }

    static boolean isReset(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StreamResetException) {
                return true;
            }
        }
        return false;
    }

    /** A connect timeout means the service is unreachable (503); any other timeout is a slow answer (504). */
    static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String name = t.getClass().getSimpleName();
            if (name.contains("ConnectTimeout")) {
                return false;
            }
            if (name.contains("Timeout")) {
                return true;
            }
        }
        return false;
    }
}
