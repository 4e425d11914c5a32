package dev.companion.project;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/** Plain Kafka clients against the test infrastructure: publish chat-service's events, read project.events. */
final class KafkaTestClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private KafkaTestClient() {
    }

    static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    /** Sends an event in the shared envelope to chat.events, as chat-service would; returns its id. */
    static String sendChatEvent(String type, String key, String userId, Map<String, Object> data) {
        return sendChatEvent("evt_" + UUID.randomUUID().toString().replace("-", ""), type, key, userId, data);
    }

    static String sendChatEvent(String eventId, String type, String key, String userId, Map<String, Object> data) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("id", eventId);
        envelope.put("type", type);
        envelope.put("occurredAt", Instant.now().toString());
        envelope.put("userId", userId);
        envelope.put("requestId", "req_test");
        envelope.set("data", JSON.valueToTree(data));
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("chat.events", key, envelope.toString())).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return eventId;
    }

    /** Announces a chat (chat.created) the way chat-service does. */
    static String chatCreated(String chatId, String projectId, String userId, Instant createdAt) {
        Map<String, Object> data = new java.util.HashMap<>();
        data.put("id", chatId);
        data.put("projectId", projectId);
        data.put("userId", userId);
        data.put("name", "Chat");
        data.put("model", "gpt-4");
        data.put("archived", false);
        data.put("starred", false);
        data.put("messageCount", 0);
        data.put("createdAt", createdAt.toString());
        data.put("updatedAt", createdAt.toString());
        return sendChatEvent("chat.created", chatId, userId, data);
    }

    /** A reader of project.events from the beginning, keeping only one user's events. */
    static final class ProjectEvents implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final String userId;
        private final List<JsonNode> seen = new ArrayList<>();
        private final List<String> keys = new ArrayList<>();

        ProjectEvents(String userId) {
            this.userId = userId;
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
            consumer.subscribe(List.of("project.events"));
        }

        /** Polls for {@code window} and returns every event of the user seen so far. */
        List<JsonNode> poll(Duration window) {
            long end = System.nanoTime() + window.toNanos();
            while (System.nanoTime() < end) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        JsonNode e = JSON.readTree(r.value());
                        if (userId.equals(e.path("userId").asText())) {
                            seen.add(e);
                            keys.add(r.key());
                        }
                    } catch (Exception ignored) {
                        // not an envelope: not ours
                    }
                }
            }
            return List.copyOf(seen);
        }

        /** Polls until at least {@code count} events of the user arrived, then a little longer to catch extras. */
        List<JsonNode> awaitAtLeast(int count, Duration timeout) {
            long end = System.nanoTime() + timeout.toNanos();
            while (seen.size() < count && System.nanoTime() < end) {
                poll(Duration.ofMillis(300));
            }
            return poll(Duration.ofMillis(1500));
        }

        List<String> keys() {
            return List.copyOf(keys);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
