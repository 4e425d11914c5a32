package dev.companion.gateway;

import dev.companion.gateway.routing.UpstreamBreaker;
import dev.companion.gateway.support.UpstreamStandIns;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The breaker's counting rules on the SmallRye guard (a Quarkus test: the guard's implementation
 * comes with the extension): only upstream failures count, and only in a row.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "redis", value = "true"))
@QuarkusTestResource(UpstreamStandIns.class)
class UpstreamBreakerTest {

    private static CompletionStage<Object> upstreamFails() {
        return CompletableFuture.failedFuture(new UpstreamBreaker.UpstreamFailure("connect refused", new java.net.ConnectException(), null));
    }

    private static CompletionStage<Object> clientLeft() {
        return CompletableFuture.failedFuture(new IllegalStateException("client reset the stream"));
    }

    private static CompletionStage<Object> answers() {
        return CompletableFuture.completedFuture("200");
    }

    private static void settle(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get();
        } catch (Exception ignored) {
            // the outcome is what the breaker saw
        }
    }

    @Test
    void onlyUpstreamFailuresInARowOpenTheCircuit() {
        UpstreamBreaker breaker = new UpstreamBreaker("unit-a", 3, Duration.ofSeconds(30), System::currentTimeMillis);
        for (int i = 0; i < 500; i++) {
            settle(breaker.call(UpstreamBreakerTest::clientLeft));
        }
        assertEquals(CircuitBreakerState.CLOSED, breaker.state(), "500 clients leaving say nothing about the service");

        settle(breaker.call(UpstreamBreakerTest::upstreamFails));
        settle(breaker.call(UpstreamBreakerTest::upstreamFails));
        settle(breaker.call(UpstreamBreakerTest::answers));
        settle(breaker.call(UpstreamBreakerTest::upstreamFails));
        settle(breaker.call(UpstreamBreakerTest::upstreamFails));
        assertEquals(CircuitBreakerState.CLOSED, breaker.state(), "a success in between breaks the run");

        settle(breaker.call(UpstreamBreakerTest::upstreamFails));
        assertEquals(CircuitBreakerState.OPEN, breaker.state());
        long retryAfter = breaker.retryAfterSeconds();
        assertTrue(retryAfter >= 29 && retryAfter <= 30, "Retry-After from the open delay: " + retryAfter);

        AtomicInteger ran = new AtomicInteger();
        ExecutionException refused = assertThrows(ExecutionException.class, () -> breaker.call(() -> {
            ran.incrementAndGet();
            return answers();
        }).toCompletableFuture().get());
        assertInstanceOf(CircuitBreakerOpenException.class, refused.getCause());
        assertEquals(0, ran.get(), "an open circuit does not call the service");
    }

    @Test
    void afterTheDelayOneTrialClosesTheCircuit() {
        UpstreamBreaker breaker = new UpstreamBreaker("unit-b", 2, Duration.ofMillis(300), System::currentTimeMillis);
        settle(breaker.call(UpstreamBreakerTest::upstreamFails));
        settle(breaker.call(UpstreamBreakerTest::upstreamFails));
        assertEquals(CircuitBreakerState.OPEN, breaker.state());
        await().atMost(Duration.ofSeconds(5)).until(() -> breaker.state() == CircuitBreakerState.HALF_OPEN);
        assertEquals(1, breaker.retryAfterSeconds());
        settle(breaker.call(UpstreamBreakerTest::answers));
        assertEquals(CircuitBreakerState.CLOSED, breaker.state());
        assertEquals(0, breaker.retryAfterSeconds());
    }

    @Test
    void aFailedTrialOpensItAgain() {
        UpstreamBreaker breaker = new UpstreamBreaker("unit-c", 1, Duration.ofMillis(300), System::currentTimeMillis);
        settle(breaker.call(UpstreamBreakerTest::upstreamFails));
        await().atMost(Duration.ofSeconds(5)).until(() -> breaker.state() == CircuitBreakerState.HALF_OPEN);
        settle(breaker.call(UpstreamBreakerTest::upstreamFails));
        assertEquals(CircuitBreakerState.OPEN, breaker.state());
    }
}
