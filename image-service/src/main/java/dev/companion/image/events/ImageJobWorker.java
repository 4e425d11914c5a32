package dev.companion.image.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.common.events.EventEnvelope;
import dev.companion.common.events.EventReader;
import dev.companion.common.events.Topics;
import dev.companion.image.service.ImageJobProcessor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One job slot: a Kafka consumer in the {@code image-workers} group on {@code image.jobs}, one record at a
 * time, offset committed only after the job's outcome is durable (at-least-once). Jobs are spread over
 * all slots of all processes by partition assignment.
 */
public class ImageJobWorker implements Runnable {

    private static final Logger LOG = Logger.getLogger(ImageJobWorker.class);

    private final String workerId;
    private final Properties consumerProps;
    private final ImageJobProcessor processor;
    private final EventReader reader;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicInteger completed = new AtomicInteger();
    private volatile boolean running = true;
    private volatile boolean killed;
    private volatile String currentJob;
    private volatile KafkaConsumer<String, String> consumer;

    public ImageJobWorker(String workerId, String bootstrap, String groupId, ImageJobProcessor processor, EventReader reader) {
        this.workerId = workerId;
        this.processor = processor;
        this.reader = reader;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, workerId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        // a job may take minutes with a remote provider; the lease, not the poll interval, detects dead workers
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "900000");
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
        this.consumerProps = p;
    }

    public String workerId() {
        return workerId;
    }

    /** The generation this worker is busy with, or null. */
    public String currentJob() {
        return currentJob;
    }

    public int completedJobs() {
        return completed.get();
    }

    public boolean alive() {
        return running && !killed;
    }

    @Override
    public void run() {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
            consumer = c;
            c.subscribe(List.of(Topics.IMAGE_JOBS));
            while (alive()) {
                ConsumerRecords<String, String> records;
                try {
                    records = c.poll(Duration.ofMillis(500));
                } catch (WakeupException e) {
                    break;
                }
                for (ConsumerRecord<String, String> r : records) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    try {
                        handle(r);
                    } catch (RuntimeException e) {
                        // infrastructure trouble (DB, S3): keep the record and try it again shortly
                        LOG.warnf(e, "worker %s: job record %s-%d@%d failed, retrying", workerId, r.topic(), r.partition(), r.offset());
                        c.seek(tp, r.offset());
                        pause(2000);
                        break;
                    } finally {
                        currentJob = null;
                    }
                    if (killed) {
                        break; // died mid-job: no commit, the record goes to another worker after the rebalance
                    }
                    c.commitSync(Map.of(tp, new OffsetAndMetadata(r.offset() + 1)));
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.errorf(e, "worker %s stopped unexpectedly", workerId);
        } finally {
            consumer = null;
            stopped.countDown();
        }
    }

    private void handle(ConsumerRecord<String, String> r) {
        EventEnvelope event = reader.read(r.value());
        if (event == null || !ImageEvents.REQUESTED.equals(event.type())) {
            LOG.debugf("worker %s: ignoring record at %d (not an image.requested envelope)", workerId, r.offset());
            return;
        }
        JsonNode id = event.data() == null ? null : event.data().get("generationId");
        if (id == null || !id.isTextual()) {
            return;
        }
        currentJob = id.asText();
        ImageJobProcessor.Outcome outcome = processor.process(id.asText(), workerId, event.requestId(), () -> !killed);
        if (outcome == ImageJobProcessor.Outcome.COMPLETED) {
            completed.incrementAndGet();
        }
    }

    /** Graceful stop: finishes the current job, then leaves the group. */
    public void stop(Duration wait) {
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null && currentJob == null) {
            c.wakeup();
        }
        awaitStop(wait);
    }

    /**
     * Abrupt stop, as when the process dies: the current job is abandoned without completion or commit, and
     * the lease is no longer extended. Another worker takes the job over when the lease expires.
     */
    public void kill() {
        killed = true;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    public boolean awaitStop(Duration wait) {
        try {
            return stopped.await(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
