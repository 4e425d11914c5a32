package dev.companion.chat.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.companion.common.id.Ids;
import dev.companion.testing.TestTokens;
import io.restassured.http.ContentType;
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
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** What the chat-service tests share: users, project.events input, chat.events output, REST shortcuts. */
public final class ChatTestSupport {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaProducer<String, String> producer;

    private ChatTestSupport() {
    }

    public record User(String id, String token) {
    }

    public static User newUser() {
        String id = Ids.newId("user");
        return new User(id, TestTokens.forUser(id));
    }

    static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        }
        return producer;
    }

    /** Publishes an event on project.events the way project-service does (envelope, key = projectId). */
    public static String publishProjectEvent(String key, String type, String userId, Object data) {
        ObjectNode envelope = JSON.createObjectNode();
        String id = Ids.newId("evt");
        envelope.put("id", id);
        envelope.put("type", type);
        envelope.put("occurredAt", Instant.now().toString());
        envelope.put("userId", userId);
        envelope.put("requestId", Ids.newId("req"));
        envelope.set("data", JSON.valueToTree(data));
        try {
            producer().send(new ProducerRecord<>("project.events", key, envelope.toString())).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    /** A project of {@code user}, known to chat-service (its read model caught up). */
    public static String createProject(User user) {
        return createProject(user, Ids.newId("proj"));
    }

    /** Events published before this (same key) are applied before the project becomes visible. */
    public static String createProject(User user, String projectId) {
        String now = Instant.now().toString();
        publishProjectEvent(projectId, "project.created", user.id(), Map.of("id", projectId, "userId", user.id(), "name", "Test project",
                "description", "", "tags", List.of(), "color", "#112233", "archived", false, "createdAt", now, "updatedAt", now));
        await().atMost(Duration.ofSeconds(20)).until(() -> given().auth().oauth2(user.token())
                .get("/v1/projects/" + projectId + "/chats").statusCode() == 200);
        return projectId;
    }

    public static String createChat(User user, String projectId, Map<String, Object> body) {
        return given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(body)
                .post("/v1/projects/" + projectId + "/chats")
                .then().statusCode(201).extract().path("data.id");
    }

    /** Sends a prompt; returns the JSON data of the answer (the stored prompt, with {@code answerId}). */
    public static JsonNode send(User user, String chatId, String content) {
        String body = given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("content", content))
                .post("/v1/chats/" + chatId + "/messages")
                .then().statusCode(201).extract().asString();
        try {
            return JSON.readTree(body).path("data");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The chat's stored messages (first page, up to 100). */
    public static JsonNode messages(User user, String chatId) {
        String body = given().auth().oauth2(user.token()).queryParam("limit", 100)
                .get("/v1/chats/" + chatId + "/messages").then().statusCode(200).extract().asString();
        try {
            return JSON.readTree(body).path("data").path("messages");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads chat.events and chat.stream (where message.chunk goes) from the beginning, events parsed as
     * envelopes. The two topics are not ordered against each other: a completion may be read before its last
     * chunks, so a test that looks at chunks waits with {@link #streamed}.
     */
    public static final class ChatEvents implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final List<ConsumerRecord<String, String>> records = new ArrayList<>();

        public ChatEvents() {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
            // assigned, not subscribed: no consumer-group join to wait for
            List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of("chat.events", "chat.stream")) {
                await().atMost(Duration.ofSeconds(20)).until(() -> !consumer.partitionsFor(topic).isEmpty());
                consumer.partitionsFor(topic).forEach(p2 -> partitions.add(new org.apache.kafka.common.TopicPartition(p2.topic(), p2.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** Polls until the events with {@code data.chatId} (or {@code data.id}) = chatId satisfy {@code until}. */
        public List<JsonNode> awaitFor(String chatId, Predicate<List<JsonNode>> until) {
            List<JsonNode>[] last = new List[]{List.of()};
            try {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        records.add(r);
                    }
                    last[0] = of(chatId);
                    return until.test(last[0]);
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("events of " + chatId + " never matched; got " + types(last[0]), e);
            }
            return last[0];
        }

        /** Everything read so far for the chat, in partition order. */
        public List<JsonNode> of(String chatId) {
            List<JsonNode> out = new ArrayList<>();
            for (ConsumerRecord<String, String> r : records) {
                if (!chatId.equals(r.key())) {
                    continue;
                }
                try {
                    out.add(JSON.readTree(r.value()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return out;
        }

        public static List<String> types(List<JsonNode> events) {
            return events.stream().map(e -> e.path("type").asText()).toList();
        }

        /** The message completed and every chunk of it has been read: the chunks add up to its fullContent. */
        public static boolean streamed(List<JsonNode> events, String messageId) {
            if (!has(events, "message.complete", messageId)) {
                return false;
            }
            return first(events, "message.complete", messageId).path("data").path("fullContent").asText()
                    .equals(chunksOf(events, messageId));
        }

        /** The content of the message's chunks read so far, in index order. */
        public static String chunksOf(List<JsonNode> events, String messageId) {
            StringBuilder joined = new StringBuilder();
            events.stream().filter(e -> "message.chunk".equals(e.path("type").asText())
                            && messageId.equals(e.path("data").path("messageId").asText()))
                    .sorted(java.util.Comparator.comparingInt(e -> e.path("data").path("index").asInt()))
                    .forEach(e -> joined.append(e.path("data").path("content").asText()));
            return joined.toString();
        }

        public static boolean has(List<JsonNode> events, String type, String messageId) {
            return events.stream().anyMatch(e -> type.equals(e.path("type").asText())
                    && (messageId == null || messageId.equals(e.path("data").path("messageId").asText())));
        }

        public static JsonNode first(List<JsonNode> events, String type, String messageId) {
            return events.stream().filter(e -> type.equals(e.path("type").asText())
                            && (messageId == null || messageId.equals(e.path("data").path("messageId").asText())))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + type + " for " + messageId + " in " + types(events)));
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(2));
        }
    }
}
