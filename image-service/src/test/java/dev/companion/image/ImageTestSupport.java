package dev.companion.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.events.EventEnvelope;
import dev.companion.events.CompanionEvent;
import dev.companion.events.EventTypes;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** Shared test plumbing: an event log of image.events/image.jobs, DB reads, S3 URL downloads, event publishing. */
final class ImageTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final List<JsonNode> EVENTS = new CopyOnWriteArrayList<>();
    private static final List<JsonNode> JOBS = new CopyOnWriteArrayList<>();
    private static Thread reader;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ImageTestSupport() {
    }

    static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    /** Starts (once) a consumer that records every envelope on image.events and image.jobs. */
    static synchronized void startEventLog() {
        if (reader != null) {
            return;
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-log-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        c.subscribe(List.of("image.events", "image.jobs"));
        reader = new Thread(() -> {
            while (true) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    try {
                        JsonNode n = JSON.readTree(r.value());
                        ((com.fasterxml.jackson.databind.node.ObjectNode) n).put("_key", r.key());
                        (r.topic().equals("image.jobs") ? JOBS : EVENTS).add(n);
                    } catch (Exception ignored) {
                        // not JSON: not ours
                    }
                }
            }
        }, "test-event-log");
        reader.setDaemon(true);
        reader.start();
    }

    static List<JsonNode> events(String generationId) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode n : EVENTS) {
            if (generationId.equals(n.path("data").path("generationId").asText())) {
                out.add(n);
            }
        }
        return out;
    }

    static List<JsonNode> events(String generationId, String type) {
        return events(generationId).stream().filter(e -> type.equals(e.path("type").asText())).toList();
    }

    static List<JsonNode> jobs(String generationId) {
        return JOBS.stream().filter(n -> generationId.equals(n.path("data").path("generationId").asText())).toList();
    }

    static JsonPath generate(String token, String body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body)
                .post("/v1/images/generate").then().statusCode(201).extract().jsonPath();
    }

    static JsonPath status(String token, String id) {
        return given().auth().oauth2(token).get("/v1/images/generate/" + id).then().statusCode(200).extract().jsonPath();
    }

    static JsonPath awaitStatus(String token, String id, String expected, int seconds) {
        await().atMost(seconds, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                .until(() -> expected.equals(status(token, id).getString("data.status")));
        return status(token, id);
    }

    static HttpResponse<byte[]> download(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static String user() {
        return "user_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    static long queryLong(String sql, Object... args) throws SQLException {
        try (Connection c = jdbc(); var st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static String queryString(String sql, Object... args) throws SQLException {
        try (Connection c = jdbc(); var st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static Connection jdbc() throws SQLException {
        var cfg = ConfigProvider.getConfig();
        return DriverManager.getConnection(cfg.getValue("quarkus.datasource.jdbc.url", String.class),
                cfg.getValue("quarkus.datasource.username", String.class), cfg.getValue("quarkus.datasource.password", String.class));
    }

    /** Publishes an envelope as chat-service / project-service would. */
    static String publish(String topic, String key, String type, String userId, Object data) throws Exception {
        String id = "evt_" + UUID.randomUUID().toString().replace("-", "");
        var envelope = JSON.createObjectNode();
        envelope.put("id", id);
        envelope.put("type", type);
        envelope.put("occurredAt", Instant.now().toString());
        envelope.put("userId", userId);
        envelope.put("requestId", "req_test");
        envelope.set("data", JSON.valueToTree(data));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, JSON.writeValueAsString(envelope))).get(10, TimeUnit.SECONDS);
        }
        return id;
    }

    /**
     * Publishes a typed event as its producer does: what {@code Outbox.publish(event, userId)} stores (the
     * envelope JSON written by the application's mapper, the record as {@code data}), sent where the relay
     * sends it (the record's topic, under its key). Returns the envelope id.
     */
    static String publish(ObjectMapper mapper, CompanionEvent event, String userId) throws Exception {
        EventEnvelope envelope = EventEnvelope.create(event.type(), userId, "req_contract", mapper.valueToTree(event));
        send(event.topic(), null, event.keyFor(userId), mapper.writeValueAsString(envelope));
        return envelope.id();
    }

    /** Sends a raw record value (a partition of null: the key's). */
    static void send(String topic, Integer partition, String key, String value) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, partition, key, value)).get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * What a consumer of image-service's events decodes from an envelope of the event log: the typed record
     * of its type, which must be {@code type} and keep the contract (no required field null).
     */
    static <E extends CompanionEvent> E decode(ObjectMapper mapper, JsonNode envelope, Class<E> type) {
        CompanionEvent event = EventTypes.decode(mapper, envelope.path("type").asText(), envelope.get("data"))
                .orElseThrow(() -> new AssertionError("not a type of the contract: " + envelope.path("type").asText()));
        if (!type.isInstance(event)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + envelope.path("type").asText());
        }
        List<String> nulls = EventTypes.nullRequiredFields((Record) event);
        if (!nulls.isEmpty()) {
            throw new AssertionError(envelope.path("type").asText() + " leaves required fields null: " + nulls);
        }
        return type.cast(event);
    }

    /** The field names of a JSON object, in order. */
    static List<String> fields(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
