package dev.companion.common.work;

import dev.companion.common.api.ApiException;
import dev.companion.common.api.ErrorCode;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoundedWorkTest {

    @Test
    void neverMoreThanItsConcurrencyAtOnceAndTheRestWait() {
        try (BoundedWork work = new BoundedWork("test-conversions", 2, 20, Duration.ofSeconds(10))) {
            AtomicInteger running = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            List<Uni<Integer>> jobs = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int n = i;
                jobs.add(work.submit(() -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    Thread.sleep(20);
                    running.decrementAndGet();
                    return n;
                }));
            }
            List<?> results = Uni.join().all(jobs).andFailFast().await().atMost(Duration.ofSeconds(20));
            assertEquals(12, results.size());
            assertEquals(2, most.get());
        }
    }

    @Test
    void idleThreadsAndAFullQueueTakeConcurrencyPlusQueueAtOnce() throws Exception {
        try (BoundedWork work = new BoundedWork("burst", 2, 2, Duration.ofSeconds(10))) {
            // warm: both threads exist and sit idle, waiting on the queue
            assertEquals("warm", work.submit(() -> "warm").await().atMost(Duration.ofSeconds(5)));
            assertEquals("warm", work.submit(() -> "warm").await().atMost(Duration.ofSeconds(5)));
            CountDownLatch release = new CountDownLatch(1);
            java.util.List<java.util.concurrent.CompletableFuture<String>> burst = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                burst.add(work.submit(() -> {
                    release.await(10, TimeUnit.SECONDS);
                    return "ok";
                }).subscribeAsCompletionStage());
            }
            // two running + two waiting fit, even though the idle threads had not yet taken the first ones
            ApiException refused = assertThrows(ApiException.class, () -> work.submit(() -> "fifth").await().atMost(Duration.ofSeconds(5)));
            assertEquals(ErrorCode.SERVICE_UNAVAILABLE, refused.code());
            release.countDown();
            for (var f : burst) {
                assertEquals("ok", f.get(5, TimeUnit.SECONDS));
            }
            assertEquals("after", work.submit(() -> "after").await().atMost(Duration.ofSeconds(5)));
        }
    }

    @Test
    void whatDoesNotFitIsA503WithRetryAfterAndTheRunningWorkFinishes() throws Exception {
        try (BoundedWork work = new BoundedWork("image conversion", 1, 1, Duration.ofSeconds(5))) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(1);
            var running = work.submit(() -> {
                started.countDown();
                release.await(10, TimeUnit.SECONDS);
                return "done";
            }).subscribeAsCompletionStage();
            assertTrue(started.await(5, TimeUnit.SECONDS));
            var waiting = work.submit(() -> "second").subscribeAsCompletionStage();
            ApiException refused = assertThrows(ApiException.class, () -> work.submit(() -> "third").await().atMost(Duration.ofSeconds(5)));
            assertEquals(ErrorCode.SERVICE_UNAVAILABLE, refused.code());
            assertEquals("image conversion", refused.details().get("resource"));
            assertEquals(1, refused.details().get("value"));
            assertTrue(refused.retryAfterSeconds() >= 1);
            release.countDown();
            assertEquals("done", running.get(5, TimeUnit.SECONDS));
            assertEquals("second", waiting.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void workThatWaitedLongerThanItsBudgetFailsInsteadOfRunningLate() throws Exception {
        try (BoundedWork work = new BoundedWork("decode", 1, 4, Duration.ofMillis(50))) {
            CountDownLatch release = new CountDownLatch(1);
            var blocker = work.submit(() -> release.await(10, TimeUnit.SECONDS)).subscribeAsCompletionStage();
            AtomicInteger ran = new AtomicInteger();
            var late = work.submit(ran::incrementAndGet).subscribeAsCompletionStage();
            Thread.sleep(200);
            release.countDown();
            blocker.get(5, TimeUnit.SECONDS);
            var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> late.get(5, TimeUnit.SECONDS));
            assertEquals(ErrorCode.SERVICE_UNAVAILABLE, ((ApiException) e.getCause()).code());
            assertEquals(0, ran.get());
        }
    }
}
