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
    private final int capacity;
    /** Work admitted and not yet finished (running + waiting): the budget, counted here, not by the queue. */
    private final AtomicInteger admitted = new AtomicInteger();
    private final ThreadPoolExecutor pool;

    public BoundedWork(String name, int concurrency, int queueCapacity, Duration maxWait) {
        if (concurrency < 1 || queueCapacity < 0) {
            throw new IllegalArgumentException("concurrency must be ≥ 1 and queueCapacity ≥ 0");
        }
        this.name = name;
        this.concurrency = concurrency;
        this.maxWaitNanos = maxWait.toNanos();
        this.retryAfterSeconds = (int) Math.max(1, Math.min(30, maxWait.toSeconds() * 2));
        this.capacity = concurrency + queueCapacity;
        AtomicInteger threads = new AtomicInteger();
        // the queue can hold everything admitted: admission (above) is the bound. A queue of exactly
        // queueCapacity would refuse work while idle threads have not yet taken what was just queued.
        this.pool = new ThreadPoolExecutor(concurrency, concurrency, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(capacity),
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
            if (admitted.incrementAndGet() > capacity) {
                admitted.decrementAndGet();
                emitter.fail(overloaded());
                return;
            }
            try {
                pool.execute(() -> {
                    T result;
                    try {
                        if (System.nanoTime() - queuedAt > maxWaitNanos) {
                            emitter.fail(overloaded());
                            return;
                        }
                        result = work.call();
                    } catch (Throwable t) {
                        emitter.fail(t);
                        return;
                    } finally {
                        admitted.decrementAndGet();
                    }
                    emitter.complete(result);
                });
            } catch (RejectedExecutionException closed) {
                admitted.decrementAndGet();
                emitter.fail(overloaded());
            }
        });
    }

    /**
     * Blocking (a worker thread, never an event loop), for work already accepted (a background bundle, an
     * image job): while the pool is full, waits (100 ms doubling to 2 s) and tries again rather than failing,
     * until {@code patience} is over; then the pool's 503 is thrown. Any other failure is thrown at once.
     */
    public <T> T awaitPatiently(Callable<T> work, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        long backoffMs = 100;
        while (true) {
            try {
                return submit(work).await().indefinitely();
            } catch (ApiException e) {
                if (!isOverload(e) || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(backoffMs);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw overloaded();
            }
            backoffMs = Math.min(2000, backoffMs * 2);
        }
    }

    /** Whether {@code e} is this pool's refusal (full), as opposed to a failure of the work itself. */
    public boolean isOverload(ApiException e) {
        return e.code() == dev.companion.common.api.ErrorCode.SERVICE_UNAVAILABLE && name.equals(e.details().get("resource"));
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
