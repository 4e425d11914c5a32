package dev.companion.chat.agents;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.chat.config.AgentConfig;
import dev.companion.common.outbox.EventProducer;
import dev.companion.common.events.KafkaClientSecurity;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The replica-to-replica path of agent prompts and answers: one Kafka topic ({@code chat-service.agents})
 * that every chat-service replica reads from its end (a plain consumer assigned every partition, no
 * consumer group), each record addressed to one replica ({@code to}) and ignored by the others. A prompt
 * goes to the replica holding the leased agent's socket; the agent's deltas, done or error come back to
 * the replica streaming the answer. Every prompt takes this path, also when the agent is connected to the
 * same replica, so there is one path to test. Keyed by request id: one request's records keep their order.
 */
@ApplicationScoped
public class AgentRelay {

    private static final Logger LOG = Logger.getLogger(AgentRelay.class);

    private final EventProducer producer;
    private final ObjectMapper mapper;
    private final AgentConfig config;
    private final AgentRegistry registry;
    private final String bootstrapServers;
    /** Answers this replica waits for, by request id. */
    private final Map<String, Consumer<RelayMessage>> pending = new ConcurrentHashMap<>();
    /** What to do with prompts and cancels for agents of this replica (the socket endpoint). */
    private volatile Consumer<RelayMessage> agentSide = m -> { };
    private final CountDownLatch assigned = new CountDownLatch(1);
    private volatile KafkaConsumer<String, String> consumer;
    private volatile boolean running = true;
    private Thread thread;

    public AgentRelay(EventProducer producer, ObjectMapper mapper, AgentConfig config, AgentRegistry registry,
                      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.producer = producer;
        this.mapper = mapper;
        this.config = config;
        this.registry = registry;
        this.bootstrapServers = bootstrapServers;
    }

    void onStart(@Observes StartupEvent event) {
        thread = new Thread(this::consume, "agent-relay");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** The agent socket endpoint takes prompts and cancels addressed to this replica. */
    public void onAgentSide(Consumer<RelayMessage> handler) {
        this.agentSide = handler;
    }

    public void await(String requestId, Consumer<RelayMessage> handler) {
        pending.put(requestId, handler);
    }

    public void forget(String requestId) {
        pending.remove(requestId);
    }

    /** Sends one record; completes when Kafka acknowledged it. */
    public Uni<Void> send(RelayMessage message) {
        String value;
        try {
            value = mapper.writeValueAsString(message);
        } catch (Exception e) {
            return Uni.createFrom().failure(e);
        }
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            producer.producer().send(new ProducerRecord<>(config.relayTopic(), message.requestId(), value), (meta, error) -> {
                if (error != null) {
                    acked.completeExceptionally(error);
                } else {
                    acked.complete(null);
                }
            });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return Uni.createFrom().completionStage(acked);
    }

    /** True once the consumer reads from the end of every partition (records sent from now on are seen). */
    public boolean ready() {
        return assigned.getCount() == 0;
    }

    private void consume() {
        while (running) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, "chat-service-agents-" + registry.replicaId());
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
            props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
            KafkaClientSecurity.apply(props);
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props)) {
                consumer = c;
                List<PartitionInfo> partitions = c.partitionsFor(config.relayTopic(), Duration.ofSeconds(30));
                if (partitions == null || partitions.isEmpty()) {
                    throw new IllegalStateException("topic " + config.relayTopic() + " has no partitions");
                }
                List<TopicPartition> all = partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                c.assign(all);
                c.seekToEnd(all);
                for (TopicPartition tp : all) {
                    c.position(tp); // resolve the end now: later records are all seen
                }
                assigned.countDown();
                LOG.infof("agent relay reading %s (%d partitions) as %s", config.relayTopic(), all.size(), registry.replicaId());
                while (running) {
                    for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                        dispatch(r.value());
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf("agent relay consumer failed, restarting: %s", e.toString());
                try {
                    TimeUnit.SECONDS.sleep(1);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void dispatch(String value) {
        RelayMessage m;
        try {
            m = mapper.readValue(value, RelayMessage.class);
        } catch (Exception e) {
            LOG.warnf("unreadable agent relay record ignored: %s", e.getMessage());
            return;
        }
        if (!registry.replicaId().equals(m.to())) {
            return;
        }
        try {
            if (RelayMessage.PROMPT.equals(m.kind()) || RelayMessage.CANCEL.equals(m.kind())) {
                agentSide.accept(m);
            } else {
                Consumer<RelayMessage> handler = pending.get(m.requestId());
                if (handler != null) {
                    handler.accept(m);
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "agent relay record %s of %s failed", m.kind(), m.requestId());
        }
    }
}
