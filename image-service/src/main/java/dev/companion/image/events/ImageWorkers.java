package dev.companion.image.events;

import dev.companion.common.events.EventReader;
import dev.companion.common.outbox.EventProducer;
import dev.companion.image.config.ImageConfig;
import dev.companion.image.repository.WorkerRepository;
import dev.companion.image.service.ImageJobProcessor;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts the job slots when this process has the worker role ({@code IMAGE_ROLE=worker|both}), reports
 * them alive in {@code image_worker}, and stops them on shutdown.
 */
@ApplicationScoped
public class ImageWorkers {

    private static final Logger LOG = Logger.getLogger(ImageWorkers.class);

    private final ImageConfig config;
    private final ImageJobProcessor processor;
    private final EventReader reader;
    private final WorkerRepository registry;
    private final EventProducer producer;
    private final String bootstrap;
    private final String processId;
    private final AtomicInteger sequence = new AtomicInteger();
    private final List<ImageJobWorker> workers = new CopyOnWriteArrayList<>();

    public ImageWorkers(ImageConfig config, ImageJobProcessor processor, EventReader reader, WorkerRepository registry,
                        EventProducer producer, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.config = config;
        this.processor = processor;
        this.reader = reader;
        this.registry = registry;
        this.producer = producer;
        this.bootstrap = bootstrap;
        this.processId = hostName() + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    public boolean workerRole() {
        return "worker".equals(config.role()) || "both".equals(config.role());
    }

    void onStart(@Observes StartupEvent event) {
        if (!List.of("api", "worker", "both").contains(config.role())) {
            throw new IllegalStateException("IMAGE_ROLE must be api, worker or both, not " + config.role());
        }
        if (workerRole()) {
            for (int i = 0; i < config.worker().concurrency(); i++) {
                startWorker();
            }
            LOG.infof("image workers started: %d slot(s) in group %s", config.worker().concurrency(), config.worker().groupId());
        }
    }

    /** Starts one more job slot in this process (also how a test adds a second worker). */
    public ImageJobWorker startWorker() {
        ImageJobWorker w = new ImageJobWorker(processId + "-" + sequence.incrementAndGet(), bootstrap,
                config.worker().groupId(), processor, reader, producer, config.worker().deadLetterTopic());
        workers.add(w);
        Thread t = new Thread(w, "image-worker-" + w.workerId());
        t.setDaemon(true);
        t.start();
        return w;
    }

    public List<ImageJobWorker> workers() {
        return List.copyOf(workers);
    }

    /** Removes a stopped worker from the registry so it no longer counts for estimates. */
    public void forget(ImageJobWorker w) {
        workers.remove(w);
    }

    @Scheduled(every = "${companion.image.worker.heartbeat:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> heartbeat() {
        for (ImageJobWorker w : workers) {
            if (w.crashed()) {
                // its thread is gone (logged where it ended): the slot comes back with a fresh consumer
                forget(w);
                ImageJobWorker fresh = startWorker();
                LOG.warnf("image worker %s crashed; slot restarted as %s", w.workerId(), fresh.workerId());
            }
        }
        List<ImageJobWorker> live = workers.stream().filter(ImageJobWorker::alive).toList();
        if (live.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (ImageJobWorker w : live) {
            chain = chain.flatMap(x -> registry.heartbeat(w.workerId()));
        }
        return chain.onFailure().recoverWithNull().replaceWithVoid();
    }

    void onStop(@Observes ShutdownEvent event) {
        for (ImageJobWorker w : workers) {
            w.stop(Duration.ofSeconds(1));
        }
        for (ImageJobWorker w : workers) {
            w.awaitStop(Duration.ofSeconds(20));
            registry.remove(w.workerId()).onFailure().recoverWithNull().await().atMost(Duration.ofSeconds(2));
        }
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "image";
        }
    }
}
