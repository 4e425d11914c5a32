package dev.companion.image.events;

import dev.companion.common.events.EventEnvelope;
import dev.companion.common.events.EventReader;
import dev.companion.common.events.Topics;
import dev.companion.common.outbox.EventProducer;
import dev.companion.common.events.KafkaClientSecurity;
import dev.companion.events.ImageJobEvent;
import dev.companion.events.ImageRequested;
import dev.companion.image.service.ImageJobProcessor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One job slot: a Kafka consumer in the {@code image-workers} group on {@code image.jobs}, one record at a
 * time, offset committed only after the job's outcome is durable (at-least-once). Jobs are spread over
 * all slots of all processes by partition assignment. Each record is decoded into its typed
 * {@link ImageRequested}; one that can never be run (not an event envelope, a payload that does not fit
 * the record, no generationId) goes to the dead-letter topic ({@code image-service.dlt}, the cause in the
 * same {@code dead-letter-*} headers the SmallRye channels write) before its offset is committed, so it
 * neither blocks its partition nor vanishes. Types this worker does not know are passed over.
 */
public class ImageJobWorker implements Runnable {

    private static final Logger LOG = Logger.getLogger(ImageJobWorker.class);

    private final String workerId;
    private final Properties consumerProps;
    private final ImageJobProcessor processor;
    private final EventReader reader;
    private final EventProducer deadLetters;
    private final String deadLetterTopic;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicInteger completed = new AtomicInteger();
    private volatile boolean running = true;
    private volatile boolean killed;
    private volatile String currentJob;
    private volatile boolean crashed;
    private volatile KafkaConsumer<String, String> consumer;

    public ImageJobWorker(String workerId, String bootstrap, String groupId, ImageJobProcessor processor, EventReader reader,
                          EventProducer deadLetters, String deadLetterTopic) {
        this.workerId = workerId;
        this.processor = processor;
        this.reader = reader;
        this.deadLetters = deadLetters;
        this.deadLetterTopic = deadLetterTopic;
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
        // the service's Kafka user (SASL/SCRAM in compose and Kubernetes), as its channels use
        KafkaClientSecurity.apply(p);
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
        return running && !killed && !crashed;
    }

    /** The worker's thread ended on an unexpected failure (an {@link Error} too): {@link ImageWorkers} replaces it. */
    public boolean crashed() {
        return crashed;
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
                        // infrastructure trouble (DB, S3, the dead-letter topic): keep the record and try it again shortly
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
        } catch (RuntimeException | Error e) {
            // e.g. an OutOfMemoryError while decoding: the uncommitted record goes to another slot after the rebalance
            crashed = true;
            LOG.errorf(e, "worker %s stopped unexpectedly", workerId);
        } finally {
            consumer = null;
            stopped.countDown();
        }
    }

    private void handle(ConsumerRecord<String, String> r) {
        EventEnvelope event = reader.read(r.value());
        if (event == null) {
            deadLetter(r, "not an event envelope", null);
            return;
        }
        ImageJobEvent job;
        try {
            job = reader.decode(event, ImageJobEvent.class).orElse(null);
        } catch (IllegalArgumentException e) {
            deadLetter(r, e.getMessage(), e);
            return;
        }
        if (!(job instanceof ImageRequested requested)) {
            LOG.debugf("worker %s: passing over %s at %d (not a job type this worker runs)", workerId, event.type(), r.offset());
            return;
        }
        String generationId = requested.generationId();
        if (generationId == null || generationId.isBlank()) {
            deadLetter(r, "event " + event.type() + " has no generationId", null);
            return;
        }
        currentJob = generationId;
        ImageJobProcessor.Outcome outcome = processor.process(generationId, workerId, event.requestId(), () -> !killed);
        if (outcome == ImageJobProcessor.Outcome.COMPLETED) {
            completed.incrementAndGet();
        }
    }

    /**
     * Sends a record no worker can ever run to the dead-letter topic, as it came (key, value, headers) plus
     * the cause, and waits for Kafka's acknowledgement: only then may its offset be committed. A failed send
     * throws, and the record is tried again like any infrastructure failure.
     */
    private void deadLetter(ConsumerRecord<String, String> r, String reason, Throwable cause) {
        LOG.warnf("worker %s: job record %s-%d@%d can never be run (%s); it goes to %s",
                workerId, r.topic(), r.partition(), r.offset(), reason, deadLetterTopic);
        ProducerRecord<String, String> dead = new ProducerRecord<>(deadLetterTopic, r.key(), r.value());
        for (Header h : r.headers()) {
            dead.headers().add(h);
        }
        Throwable reasonException = cause != null ? cause : new IllegalArgumentException(reason);
        header(dead, "dead-letter-exception-class-name", reasonException.getClass().getName());
        header(dead, "dead-letter-reason", reason);
        if (cause != null && cause.getCause() != null) {
            header(dead, "dead-letter-cause-class-name", cause.getCause().getClass().getName());
            header(dead, "dead-letter-cause", String.valueOf(cause.getCause().getMessage()));
        }
        header(dead, "dead-letter-topic", r.topic());
        header(dead, "dead-letter-partition", Integer.toString(r.partition()));
        header(dead, "dead-letter-offset", Long.toString(r.offset()));
        try {
            deadLetters.producer().send(dead).get(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not send the record to " + deadLetterTopic + ": " + e.getMessage(), e);
        }
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(new RecordHeader(name, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8)));
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
