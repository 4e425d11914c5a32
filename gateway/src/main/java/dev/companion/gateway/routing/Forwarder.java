package dev.companion.gateway.routing;

import dev.companion.common.api.ErrorCode;
import dev.companion.common.web.RequestIds;
import dev.companion.gateway.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyRequest;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Forwards one request to a service with Vert.x HTTP proxy: bodies stream both ways (no
 * buffering, so uploads, zips and SSE pass as they come), hop-by-hop headers are dropped by the
 * proxy, {@code X-Forwarded-*} and {@code X-Request-Id} are set. Failures become 503 (service
 * down or circuit open), 504 (no answer in time) or 413 (body too large), in the seed envelope.
 */
@ApplicationScoped
public class Forwarder {

    private static final Logger LOG = Logger.getLogger(Forwarder.class);

    private final HttpClient client;
    private final GatewayConfig.Proxy config;
    private final ErrorReplies errors;
    private final Map<String, UpstreamCircuitBreaker> breakers = new ConcurrentHashMap<>();

    public Forwarder(Vertx vertx, GatewayConfig config, ErrorReplies errors) {
        this.config = config.proxy();
        this.errors = errors;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setMaxPoolSize(100)
                .setKeepAlive(true)
                .setConnectTimeout((int) this.config.connectTimeout().toMillis()));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    public UpstreamCircuitBreaker breaker(Upstream upstream) {
        return breakers.computeIfAbsent(upstream.name(), n -> new UpstreamCircuitBreaker(
                config.circuitBreaker().failureThreshold(), config.circuitBreaker().openDuration(), System::currentTimeMillis));
    }

    /** Sends the request of {@code ctx} (paused) to {@code upstream} at {@code uri}, and its answer back. */
    public void forward(RoutingContext ctx, Upstream upstream, String uri) {
        HttpServerRequest request = ctx.request();
        String length = request.getHeader("Content-Length");
        if (length != null && parseLength(length) > config.maxBodySize()) {
            tooLarge(ctx);
            return;
        }
        UpstreamCircuitBreaker breaker = breaker(upstream);
        if (!breaker.tryAcquire()) {
            ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, (breaker.retryAfterMillis() + 999) / 1000)));
            errors.send(ctx, ErrorCode.SERVICE_UNAVAILABLE, "Service temporarily unavailable", Map.of("service", upstream.name()));
            return;
        }

        ProxyRequest proxyRequest = ProxyRequest.reverseProxy(request);
        proxyRequest.setURI(uri);
        setForwardingHeaders(ctx, proxyRequest);

        AtomicReference<HttpClientRequest> outbound = new AtomicReference<>();
        AtomicBoolean overflowed = new AtomicBoolean(false);
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
                tooLarge(ctx);
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

        long started = System.currentTimeMillis();
        client.request(options)
                .compose(out -> {
                    outbound.set(out);
                    out.idleTimeout(config.idleTimeout().toMillis());
                    return proxyRequest.send(out);
                })
                .onSuccess(proxyResponse -> {
                    int status = proxyResponse.getStatusCode();
                    if (status == 502 || status == 503 || status == 504) {
                        breaker.onFailure();
                    } else {
                        breaker.onSuccess();
                    }
                    // the gateway already set these; the service echoes the same id
                    proxyResponse.headers().remove(RequestIds.HEADER);
                    proxyResponse.send().onFailure(e -> {
                        LOG.debugf("answer of %s for %s %s broke off: %s", upstream.name(), request.method(), uri, e.toString());
                        request.connection().close();
                    });
                })
                .onFailure(e -> {
                    if (overflowed.get()) {
                        // the client's fault, not the service's: says nothing about its health
                        breaker.abandon();
                        return;
                    }
                    breaker.onFailure();
                    proxyRequest.release();
                    if (isTimeout(e)) {
                        LOG.warnf("%s did not answer %s %s within %d ms", upstream.name(), request.method(), uri, System.currentTimeMillis() - started);
                        errors.send(ctx, ErrorCode.GATEWAY_TIMEOUT, "Service did not answer in time", Map.of("service", upstream.name()));
                    } else {
                        LOG.warnf("%s unreachable for %s %s: %s", upstream.name(), request.method(), uri, e.toString());
                        errors.send(ctx, ErrorCode.SERVICE_UNAVAILABLE, "Service temporarily unavailable", Map.of("service", upstream.name()));
                    }
                });
    }

    private void setForwardingHeaders(RoutingContext ctx, ProxyRequest proxyRequest) {
        HttpServerRequest request = ctx.request();
        String clientIp = ProxyRoutes.clientIp(request);
        String prior = request.getHeader("X-Forwarded-For");
        proxyRequest.headers().set("X-Forwarded-For", prior == null || prior.isBlank() ? clientIp : prior + ", " + clientIp);
        proxyRequest.headers().set("X-Forwarded-Proto", request.scheme() == null ? "http" : request.scheme());
        if (request.authority() != null) {
            proxyRequest.headers().set("X-Forwarded-Host", request.authority().toString());
        }
        proxyRequest.headers().set(RequestIds.HEADER, (String) ctx.get(ProxyRoutes.REQUEST_ID));
    }

    private void tooLarge(RoutingContext ctx) {
        errors.send(ctx, ErrorCode.PAYLOAD_TOO_LARGE, "Payload too large",
                Map.of("field", "body", "constraint", "maxSize", "value", config.maxBodySize()));
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
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
