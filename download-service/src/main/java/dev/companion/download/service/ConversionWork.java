package dev.companion.download.service;

import dev.companion.common.work.BoundedWork;
import dev.companion.download.config.DownloadConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Every decode, resize and encode of the service runs here, on common's {@link BoundedWork}: at most
 * {@code conversion-concurrency} at once, {@code conversion-queue} waiting at most
 * {@code conversion-max-wait}; beyond that a request is 503 {@code SERVICE_UNAVAILABLE} with
 * {@code Retry-After}. The S3 read of the original happens inside the task, so work waiting in the
 * queue holds no bytes.
 *
 * <p>Threading: the callers (REST methods, bundle jobs) are blocking worker threads that reach the
 * database through {@code BlockingDb}. They wait for the pool's Uni on their own thread, so what follows
 * a conversion runs where it ran before; nothing continues on a pool thread and no Vert.x context is
 * needed for the conversion itself.
 */
@ApplicationScoped
public class ConversionWork {

    private static final Logger LOG = Logger.getLogger(ConversionWork.class);

    private final BoundedWork work;
    private final int queueCapacity;

    public ConversionWork(DownloadConfig config) {
        DownloadConfig.Limits limits = config.limits();
        int concurrency = limits.conversionConcurrency() > 0 ? limits.conversionConcurrency()
                : Math.max(1, Runtime.getRuntime().availableProcessors());
        this.queueCapacity = Math.max(0, limits.conversionQueue());
        this.work = new BoundedWork("conversion", concurrency, queueCapacity, limits.conversionMaxWait());
        LOG.infof("conversions: %d at once, %d queued, max wait %s", concurrency, queueCapacity, limits.conversionMaxWait());
    }

    /** Runs {@code task} on the pool and waits for it; 503 + Retry-After at once when the pool is full. */
    public <T> T run(Callable<T> task) {
        return work.submit(task).await().indefinitely();
    }

    /**
     * For a bundle already accepted (background): while the pool is full, waits and tries again rather
     * than failing the bundle, until {@code patience} is over (then the 503 is the bundle's failure).
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
