package dev.companion.gateway.health;

import dev.companion.gateway.config.GatewayConfig;
import dev.companion.gateway.routing.RouteTable;
import dev.companion.gateway.routing.Upstream;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientResponse;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Asks every service's {@code /q/health/ready} at once, each bounded by the health timeout. */
@ApplicationScoped
public class ServiceReadinessProbe {

    private final HttpClient client;
    private final RouteTable routes;
    private final long timeoutMillis;

    public ServiceReadinessProbe(Vertx vertx, RouteTable routes, GatewayConfig config) {
        this.client = vertx.createHttpClient();
        this.routes = routes;
        this.timeoutMillis = config.proxy().healthTimeout().toMillis();
    }

    @PreDestroy
    void close() {
        client.closeAndForget();
    }

    public Uni<Map<String, ServiceHealth>> probeAll() {
        List<Upstream> all = routes.upstreams();
        List<Uni<ServiceHealth>> probes = all.stream().map(this::probe).toList();
        return Uni.join().all(probes).andFailFast().map(results -> {
            Map<String, ServiceHealth> out = new LinkedHashMap<>();
            for (int i = 0; i < all.size(); i++) {
                out.put(all.get(i).name(), results.get(i));
            }
            return out;
        });
    }

    Uni<ServiceHealth> probe(Upstream upstream) {
        long start = System.nanoTime();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(upstream.host())
                .setPort(upstream.port())
                .setSsl(upstream.tls())
                .setURI("/q/health/ready")
                .setConnectTimeout(timeoutMillis)
                .setIdleTimeout(timeoutMillis);
        return client.request(options)
                .flatMap(req -> req.send())
                .flatMap(resp -> resp.body().map(b -> resp))
                .map(HttpClientResponse::statusCode)
                .map(status -> new ServiceHealth(status == 200 ? "UP" : "DOWN", status, elapsed(start)))
                .ifNoItem().after(java.time.Duration.ofMillis(timeoutMillis + 500)).fail()
                .onFailure().recoverWithItem(e -> new ServiceHealth("DOWN", null, elapsed(start)));
    }

    private static long elapsed(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
