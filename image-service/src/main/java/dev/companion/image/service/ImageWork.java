package dev.companion.image.service;

import dev.companion.common.work.BoundedWork;
import dev.companion.image.config.ImageConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Every decode of the service (analysis of an upload or a stored image, a generated image's size and
 * thumbnail) runs here, on common's {@link BoundedWork}: at most {@code conversion-concurrency} at once,
 * {@code conversion-queue} waiting at most {@code conversion-max-wait}; beyond that an HTTP request is 503
 * {@code SERVICE_UNAVAILABLE} with {@code Retry-After}. Reads of the bytes (upload file, S3 object)
 * happen inside the task, so work waiting in the queue holds no image.
 *
 * <p>Threading: REST callers get a Uni that is resumed on their Vert.x (duplicated) context, so nothing
 * after the work continues on a pool thread and nothing heavy ever runs on the event loop. Job workers
 * are plain threads and wait with {@link #runPatiently}.
 */
@ApplicationScoped
public class ImageWork {

    private static final Logger LOG = Logger.getLogger(ImageWork.class);
    static final String RESOURCE = "imageWork";

    private final BoundedWork work;
    private final int queueCapacity;

    public ImageWork(ImageConfig config) {
        ImageConfig.Limits limits = config.limits();
        int concurrency = limits.conversionConcurrency() > 0 ? limits.conversionConcurrency()
                : Math.max(1, Runtime.getRuntime().availableProcessors());
        this.queueCapacity = Math.max(0, limits.conversionQueue());
        this.work = new BoundedWork(RESOURCE, concurrency, queueCapacity, limits.conversionMaxWait());
        LOG.infof("image work: %d at once, %d queued, max wait %s", concurrency, queueCapacity, limits.conversionMaxWait());
    }

    /** Runs {@code task} on the pool; fails with 503 + Retry-After at once when the pool is full. */
    public <T> Uni<T> submit(Callable<T> task) {
        Context caller = Vertx.currentContext();
        Uni<T> uni = work.submit(task);
        return caller == null ? uni : uni.emitOn(r -> caller.runOnContext(x -> r.run()));
    }

    /**
     * For a job already accepted (a worker thread, never the event loop): while the pool is full, waits and
     * tries again rather than failing the job, until {@code patience} is over (then the 503 is thrown).
     */
    public <T> T runPatiently(Callable<T> task, Duration patience) {
        return work.awaitPatiently(task, patience);
    }

    /** The pool itself (tests fill it; metrics may read it). */
    public BoundedWork pool() {
        return work;
    }

    public int queueCapacity() {
        return queueCapacity;
    }

    void shutdown(@Observes ShutdownEvent event) {
        work.close();
    }
}
