package dev.companion.gateway;

import dev.companion.gateway.routing.Forwarder;
import dev.companion.gateway.routing.RouteTable;
import dev.companion.gateway.routing.UpstreamBreaker;
import dev.companion.gateway.support.UpstreamStandIns;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import jakarta.inject.Inject;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client going away is not a failure of the service: hundreds of requests the clients abort
 * after a few milliseconds (closed connections, TCP resets, HTTP/2 stream resets) while a slow
 * service works on them leave its circuit closed and log no error; a service that truly cannot be
 * reached still opens it (503 with {@code Retry-After}). The test profile opens a circuit after 2
 * failures, for 2 s.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "redis", value = "true"))
@QuarkusTestResource(UpstreamStandIns.class)
class ClientAbortTest {

    @TestHTTPResource("/")
    URI gateway;

    @Inject
    Forwarder forwarder;

    @Inject
    RouteTable routes;

    private final String token = TestTokens.forUser("user_clientabort0000000000001");
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
                logged.add(record.getLevel() + " " + record.getLoggerName() + ": " + message);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Vertx vertx;

    @BeforeEach
    void listen() {
        vertx = Vertx.vertx();
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stop() throws Exception {
        Logger.getLogger("").removeHandler(capture);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void requestsAbortedByTheirClientsNeverOpenTheCircuit() throws Exception {
        UpstreamBreaker chatBreaker = forwarder.breaker(routes.byName("chat-service").orElseThrow());
        long openedBefore = chatBreaker.timesOpened();
        int receivedBefore = UpstreamStandIns.SLOW_RECEIVED.get();
        int cutOffBefore = UpstreamStandIns.SLOW_CUT_OFF.get();
        HttpClient http1 = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(300).setKeepAlive(false));
        HttpClient http2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false).setHttp2MaxPoolSize(4).setHttp2MultiplexingLimit(500));
        NetClient tcp = vertx.createNetClient(new NetClientOptions().setSoLinger(0));
        Random random = new Random(15);
        // one ordinary request first: the token's verification and its "not revoked" answer are then
        // cached, so the aborted requests below reach the service within their 1–30 ms
        given().header("Authorization", "Bearer " + token).when().get("/v1/chats/chat_warm_up").then().statusCode(200);
        List<Future<?>> aborted = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            long afterMillis = 1 + random.nextInt(30);
            switch (i % 3) {
                case 0 -> aborted.add(abortAfter(http1, afterMillis, i));
                case 1 -> aborted.add(abortAfter(http2, afterMillis, i));
                default -> aborted.add(resetAfter(tcp, afterMillis, i));
            }
        }
        Future.join(aborted).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

        // the gateway has forwarded a good share of them and cut off every one it forwarded
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            int received = UpstreamStandIns.SLOW_RECEIVED.get() - receivedBefore;
            int cutOff = UpstreamStandIns.SLOW_CUT_OFF.get() - cutOffBefore;
            assertTrue(received >= 10, "the service saw only " + received + " of the aborted requests");
            assertEquals(received, cutOff, "every forwarded request was cut off when its client left");
        });

        assertEquals(openedBefore, chatBreaker.timesOpened(), "the circuit never opened, not even for a moment");
        assertEquals(CircuitBreakerState.CLOSED, chatBreaker.state());
        given().header("Authorization", "Bearer " + token).when().get("/v1/chats/chat_after_aborts")
                .then().statusCode(200).body("service", is("chat-service"));
        List<String> complaints = logged.stream()
                .filter(m -> m.contains("chat-service") || m.contains("Stream reset") || m.contains("unreachable") || m.contains("HttpClientRequest"))
                .toList();
        assertEquals(List.of(), complaints, "no warning or error blames the service for its clients leaving");
    }

    @Test
    void aServiceThatCannotBeReachedStillOpensTheCircuit() {
        UpstreamStandIns.stopService("image-service");
        try {
            for (int i = 0; i < 2; i++) {
                given().header("Authorization", "Bearer " + token).when().get("/v1/images/img_dead")
                        .then().statusCode(503).body("error.code", is("SERVICE_UNAVAILABLE"))
                        .body("error.details.service", is("image-service"));
            }
            String retryAfter = given().header("Authorization", "Bearer " + token).when().get("/v1/images/img_dead")
                    .then().statusCode(503).body("error.code", is("SERVICE_UNAVAILABLE")).body("success", is(false))
                    .extract().header("Retry-After");
            assertEquals(CircuitBreakerState.OPEN, forwarder.breaker(routes.byName("image-service").orElseThrow()).state());
            int seconds = Integer.parseInt(retryAfter);
            assertTrue(seconds >= 1 && seconds <= 2, "Retry-After comes from the 2 s the circuit stays open: " + seconds);
            assertTrue(logged.stream().anyMatch(m -> m.contains("image-service unreachable")), "a real outage is logged: " + logged);
        } finally {
            UpstreamStandIns.startService("image-service");
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                given().header("Authorization", "Bearer " + token).when().get("/v1/images/img_back")
                        .then().statusCode(200).body("service", is("image-service")));
        assertEquals(CircuitBreakerState.CLOSED, forwarder.breaker(routes.byName("image-service").orElseThrow()).state());
    }

    /** A request to a slow path whose client gives up after {@code millis}: HTTP/1.1 closes, HTTP/2 resets the stream. */
    private Future<Void> abortAfter(HttpClient client, long millis, int n) {
        Promise<Void> done = Promise.promise();
        client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(gateway.getHost()).setPort(gateway.getPort())
                        .setURI("/v1/chats/chat_abort" + n + "/slow").putHeader("Authorization", "Bearer " + token))
                .onFailure(e -> done.tryComplete())
                .onSuccess(req -> {
                    req.exceptionHandler(e -> done.tryComplete());
                    req.send().onComplete(ar -> done.tryComplete());
                    vertx.setTimer(millis, t -> {
                        req.reset();
                        done.tryComplete();
                    });
                });
        return done.future();
    }

    /** The rudest way out: a TCP reset (SO_LINGER 0) in the middle of the exchange. */
    private Future<Void> resetAfter(NetClient tcp, long millis, int n) {
        Promise<Void> done = Promise.promise();
        tcp.connect(gateway.getPort(), gateway.getHost())
                .onFailure(e -> done.tryComplete())
                .onSuccess(socket -> {
                    socket.write("GET /v1/chats/chat_abort" + n + "/slow HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                            + token + "\r\n\r\n");
                    vertx.setTimer(millis, t -> socket.close().onComplete(ar -> done.tryComplete()));
                });
        return done.future();
    }
}
