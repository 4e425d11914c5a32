package dev.companion.download;

import com.luciad.imageio.webp.WebPImageReaderSpi;
import dev.companion.common.id.Ids;
import dev.companion.download.model.ChatRef;
import dev.companion.download.model.ImageRef;
import dev.companion.download.model.ProjectRef;
import dev.companion.download.repository.BlockingDb;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

import javax.imageio.ImageIO;
import javax.imageio.spi.IIORegistry;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;

/**
 * Plays image-service, project-service and chat-service for the tests: real PNG bytes into the images
 * bucket and real events onto Kafka, then waits until the read models have them.
 */
final class TestData {

    static {
        IIORegistry.getDefaultInstance().registerServiceProvider(new WebPImageReaderSpi());
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static KafkaProducer<String, String> producer;
    private static MinioClient minio;

    private TestData() {
    }

    static String config(String name) {
        return ConfigProvider.getConfig().getValue(name, String.class);
    }

    static synchronized MinioClient minio() {
        if (minio == null) {
            minio = MinioClient.builder().endpoint(config("S3_ENDPOINT"))
                    .credentials(config("S3_ACCESS_KEY"), config("S3_SECRET_KEY")).region(config("S3_REGION")).build();
        }
        return minio;
    }

    static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config("kafka.bootstrap.servers"));
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        }
        return producer;
    }

    static String event(String id, String type, String userId, String dataJson) {
        return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"occurredAt\":\"" + Instant.now()
                + "\",\"userId\":\"" + userId + "\",\"requestId\":\"req_test\",\"data\":" + dataJson + "}";
    }

    static void send(String topic, String key, String value) {
        try {
            producer().send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String json(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    static String userId() {
        return "user_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    static void project(BlockingDb db, String userId, String projectId, String name) {
        send("project.events", projectId, event(Ids.newId("evt"), "project.created", userId,
                "{\"id\":\"" + projectId + "\",\"userId\":\"" + userId + "\",\"name\":" + json(name)
                        + ",\"description\":null,\"tags\":[],\"color\":null,\"settings\":{},\"archived\":false,"
                        + "\"createdAt\":\"" + Instant.now() + "\",\"updatedAt\":\"" + Instant.now() + "\"}"));
        await().atMost(Duration.ofSeconds(20)).until(() -> db.read(() -> ProjectRef.<ProjectRef>findById(projectId)) != null);
    }

    static void chat(BlockingDb db, String userId, String chatId, String projectId, String name) {
        send("chat.events", chatId, event(Ids.newId("evt"), "chat.created", userId,
                "{\"id\":\"" + chatId + "\",\"projectId\":" + json(projectId) + ",\"userId\":\"" + userId + "\",\"name\":"
                        + json(name) + ",\"model\":\"gpt-4\",\"archived\":false,\"starred\":false,\"messageCount\":0,"
                        + "\"createdAt\":\"" + Instant.now() + "\",\"updatedAt\":\"" + Instant.now() + "\"}"));
        await().atMost(Duration.ofSeconds(20)).until(() -> db.read(() -> ChatRef.<ChatRef>findById(chatId)) != null);
    }

    /** A seeded image: its id and the exact PNG bytes stored in the images bucket. */
    record Seeded(String id, byte[] png, int width, int height) {
    }

    /** Uploads {@code png} like image-service would and publishes the image.complete event; returns the event id. */
    static String imageEvent(String eventId, String userId, String imageId, String projectId, String chatId, String prompt,
                             Instant createdAt, byte[] png, int width, int height, boolean upload) {
        String generationId = "gen_" + imageId;
        String key = storageKey(userId, generationId, imageId);
        if (upload) {
            upload(key, png);
        }
        String value = event(eventId, "image.complete", userId, "{\"generationId\":\"" + generationId + "\",\"chatId\":"
                + json(chatId) + ",\"projectId\":" + json(projectId) + ",\"prompt\":" + json(prompt) + ",\"images\":[{"
                + "\"id\":\"" + imageId + "\",\"url\":\"/v1/images/" + imageId + "\",\"thumbnailUrl\":null,"
                + "\"size\":\"" + width + "x" + height + "\",\"format\":\"png\",\"createdAt\":\"" + createdAt + "\","
                + "\"width\":" + width + ",\"height\":" + height + ",\"bytes\":" + png.length + ",\"checksum\":\"x\","
                + "\"storageKey\":\"" + key + "\"}]}");
        send("image.events", generationId, value);
        return eventId;
    }

    /** The key image-service writes an original under (its ImageJobProcessor). */
    static String storageKey(String userId, String generationId, String imageId) {
        return "users/" + userId + "/generations/" + generationId + "/a1/" + imageId + ".png";
    }

    /** Stores {@code png} in the images bucket under {@code key}, as image-service does. */
    static void upload(String key, byte[] png) {
        try {
            minio().putObject(PutObjectArgs.builder().bucket("companion-images").object(key)
                    .stream(new ByteArrayInputStream(png), png.length, -1).contentType("image/png").build());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Seeded image(BlockingDb db, String userId, String projectId, String chatId, String prompt, Instant createdAt,
                        int width, int height) {
        String imageId = Ids.newId("img");
        byte[] png = png(width, height, imageId.hashCode());
        imageEvent(Ids.newId("evt"), userId, imageId, projectId, chatId, prompt, createdAt, png, width, height, true);
        awaitImage(db, imageId);
        return new Seeded(imageId, png, width, height);
    }

    static void awaitImage(BlockingDb db, String imageId) {
        await().atMost(Duration.ofSeconds(20)).until(() -> db.read(() -> ImageRef.<ImageRef>findById(imageId)) != null);
    }

    /** A PNG with a gradient and some noise, so that encoders have something to do. */
    static byte[] png(int width, int height, long seed) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        Graphics2D g = img.createGraphics();
        for (int y = 0; y < height; y += 8) {
            g.setColor(new Color((y * 255 / Math.max(1, height)), r.nextInt(256), 128));
            g.fillRect(0, y, width, 8);
        }
        g.dispose();
        for (int i = 0; i < width * height / 8; i++) {
            img.setRGB(r.nextInt(width), r.nextInt(height), r.nextInt());
        }
        return encodePng(img);
    }

    /** Random pixels: PNG cannot compress them, so the file is about width × height × 3 bytes. */
    static byte[] noisePng(int width, int height, long seed) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, r.nextInt());
            }
        }
        return encodePng(img);
    }

    static byte[] encodePng(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<byte[]> fetch(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
            if (img == null) {
                throw new IllegalStateException("not a readable image");
            }
            return img;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Object keys under {@code prefix} in the downloads bucket. */
    static List<String> downloadObjects(String prefix) {
        List<String> keys = new ArrayList<>();
        try {
            for (Result<Item> item : minio().listObjects(ListObjectsArgs.builder().bucket("companion-downloads")
                    .prefix(prefix).recursive(true).build())) {
                keys.add(item.get().objectName());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return keys;
    }

    static KafkaConsumer<String, String> downloadEventsConsumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config("kafka.bootstrap.servers"));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        c.subscribe(List.of("download.events"));
        return c;
    }

    static <T> T until(Supplier<T> probe, Duration timeout) {
        return org.awaitility.Awaitility.await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .until(probe::get, java.util.Objects::nonNull);
    }

    static ConsumerRecord<String, String> find(KafkaConsumer<String, String> consumer, String contains, Duration timeout) {
        return until(() -> {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.value().contains(contains)) {
                    return r;
                }
            }
            return null;
        }, timeout);
    }
}
