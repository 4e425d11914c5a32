package dev.companion.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

/** Plain Kafka clients against the test's real broker. */
final class KafkaEvents {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private KafkaEvents() {
    }

    static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    static void send(String topic, String key, String value) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /**
     * True when consumer group {@code group} has committed every partition of {@code topics} up to its
     * end: every record sent before this call was processed (the condition to wait on instead of a pause).
     */
    static boolean consumedAll(String group, String... topics) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap());
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            var described = admin.describeTopics(List.of(topics)).allTopicNames().get(10, java.util.concurrent.TimeUnit.SECONDS);
            java.util.Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
            described.forEach((name, d) -> d.partitions().forEach(part -> latest.put(
                    new org.apache.kafka.common.TopicPartition(name, part.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest())));
            var ends = admin.listOffsets(latest).all().get(10, java.util.concurrent.TimeUnit.SECONDS);
            var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, java.util.concurrent.TimeUnit.SECONDS);
            for (var e : ends.entrySet()) {
                long end = e.getValue().offset();
                var c = committed.get(e.getKey());
                if (end > 0 && (c == null || c.offset() < end)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Reads {@code topic} from the start until an event matching {@code match} shows up (or the timeout). */
    static List<JsonNode> await(String topic, Predicate<JsonNode> match, Duration timeout) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        for (ConsumerRecord<String, String> r : awaitRecords(topic, match, timeout)) {
            found.add(MAPPER.readTree(r.value()));
        }
        return found;
    }

    /** As {@link #await}, the whole records (key, headers, value) whose value matches. */
    static List<ConsumerRecord<String, String>> awaitRecords(String topic, Predicate<JsonNode> match, Duration timeout) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long end = System.currentTimeMillis() + timeout.toMillis();
            while (System.currentTimeMillis() < end) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                    if (match.test(readOrNull(r.value()))) {
                        found.add(r);
                    }
                }
                if (!found.isEmpty()) {
                    return found;
                }
            }
        }
        return found;
    }

    /** The record value as JSON; a missing node when it is not JSON (a dead-lettered record may be anything). */
    private static JsonNode readOrNull(String value) {
        try {
            return value == null ? MAPPER.missingNode() : MAPPER.readTree(value);
        } catch (Exception e) {
            return MAPPER.missingNode();
        }
    }
}
