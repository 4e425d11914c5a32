import dev.companion.infra.InfraOptions;
import dev.companion.infra.InfraSettings;
import dev.companion.infra.LocalInfra;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

/**
 * The Kafka hop alone, on the same local broker the stack uses: send (idempotent, acks=all, as the
 * services' EventProducer) to receive by a subscribed consumer, one record at a time, for a few
 * consumer settings side by side. Run by benchmarks/kafka-hop.sh.
 */
public class KafkaHop {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        try (LocalInfra infra = new LocalInfra(InfraOptions.ephemeral(Files.createTempDirectory("kafka-hop"), false))) {
            InfraSettings s = infra.start();
            String bootstrap = s.kafkaBootstrap();
            for (String wait : new String[]{"500", "100", "10", "500"}) {
                measure(bootstrap, "project.events", wait, n);
            }
        }
    }

    static void measure(String bootstrap, String topic, String fetchMaxWait, int n) throws Exception {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "hop-" + fetchMaxWait + "-" + System.nanoTime());
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, fetchMaxWait);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer());
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(Collections.singletonList(topic));
            while (consumer.assignment().isEmpty()) {
                consumer.poll(Duration.ofMillis(100));
            }
            List<Double> hops = new ArrayList<>();
            for (int i = 0; i < n + 20; i++) {
                long sent = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, "key-" + (i % 7), Long.toString(sent)));
                boolean got = false;
                while (!got) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(2))) {
                        if (r.value().equals(Long.toString(sent))) {
                            got = true;
                        }
                    }
                }
                if (i >= 20) {
                    hops.add((System.nanoTime() - sent) / 1e6);
                }
                Thread.sleep(5);
            }
            Collections.sort(hops);
            System.out.printf("| fetch.max.wait.ms=%s | %d | %.2f | %.2f | %.2f |%n", fetchMaxWait, hops.size(),
                    hops.get(hops.size() / 2), hops.get((int) (hops.size() * 0.99)), hops.get(hops.size() - 1));
        }
    }
}
