package dev.companion.common.work;

import dev.companion.common.api.ApiException;
import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * CPU- and memory-heavy work of a service (image decodes, resizes, format conversions) on a pool of
 * at most {@code concurrency} threads. Work beyond that waits in a queue of {@code queueCapacity}
 * for at most {@code maxWait}; what does not fit, or waited longer, fails with 503
 * {@code SERVICE_UNAVAILABLE} and {@code Retry-After} instead of taking the heap and every other
 * request down with it.
 */
public final class BoundedWork implements AutoCloseable {

    private final String name;
    private final int concurrency;
    private final long maxWaitNanos;
    private final int retryAfterSeconds;
    private final ThreadPoolExecutor pool;

    public BoundedWork(String name, int concurrency, int queueCapacity, Duration maxWait) {
        if (concurrency < 1 || queueCapacity < 0) {
            throw new IllegalArgumentException("concurrency must be ≥ 1 and queueCapacity ≥ 0");
        }
        this.name = name;
        this.concurrency = concurrency;
        this.maxWaitNanos = maxWait.toNanos();
        this.retryAfterSeconds = (int) Math.max(1, Math.min(30, maxWait.toSeconds() * 2));
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(concurrency, concurrency, 30, TimeUnit.SECONDS,
                queueCapacity == 0 ? new java.util.concurrent.SynchronousQueue<>() : new ArrayBlockingQueue<>(queueCapacity),
                r -> {
                    Thread t = new Thread(r, name + "-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.pool.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code work} on the pool; fails with 503 + {@code Retry-After} when the pool is full. */
    public <T> Uni<T> submit(Callable<T> work) {
        return Uni.createFrom().emitter(emitter -> {
            long queuedAt = System.nanoTime();
            try {
                pool.execute(() -> {
                    if (System.nanoTime() - queuedAt > maxWaitNanos) {
                        emitter.fail(overloaded());
                        return;
                    }
                    T result;
                    try {
                        result = work.call();
                    } catch (Throwable t) {
                        emitter.fail(t);
                        return;
                    }
                    emitter.complete(result);
                });
            } catch (RejectedExecutionException full) {
                emitter.fail(overloaded());
            }
        });
    }

    /** Work running now. */
    public int active() {
        return pool.getActiveCount();
    }

    /** Work waiting for a thread. */
    public int queued() {
        return pool.getQueue().size();
    }

    public int concurrency() {
        return concurrency;
    }

    private ApiException overloaded() {
        return ApiException.overloaded(name, concurrency, retryAfterSeconds);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
