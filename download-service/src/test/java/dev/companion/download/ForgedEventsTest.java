package dev.companion.download;

import dev.companion.common.id.Ids;
import dev.companion.download.model.ImageRef;
import dev.companion.download.repository.BlockingDb;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Anyone who can write to image.events could claim another user's stored image as theirs. download-service
 * believes an image.complete only when each storage key is image-service's key for the event's own user,
 * generation and image ({@code users/<userId>/generations/<generationId>/a<n>/<imageId>.<ext>}); anything
 * else is dead-lettered whole with its reason, and an image the read model already has for one user never
 * changes hands, whatever a later event claims. The records behind the forged ones are applied.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_download"))
class ForgedEventsTest {

    @Inject
    BlockingDb db;

    @Test
    void anImageCompleteNamingAnotherUsersKeyIsDeadLetteredAndAnImageNeverChangesHands() {
        String victim = TestData.userId();
        String attacker = TestData.userId();
        String victimImage = Ids.newId("img");
        TestData.imageEvent(Ids.newId("evt"), victim, victimImage, null, null, "the victim's", Instant.now(),
                TestData.png(8, 8, 1), 8, 8, true);
        TestData.awaitImage(db, victimImage);
        ImageRef before = db.read(() -> ImageRef.<ImageRef>findById(victimImage));
        assertThat(before.storageKey).startsWith("users/" + victim + "/");

        // all on the partition of the record that follows them, so that once it is applied they were consumed
        String follower = Ids.newId("img");
        String partitionKey = "gen_" + follower;

        // 1. a new image id, but the victim's object
        String stolenKeyEvent = Ids.newId("evt");
        String forgedImage = Ids.newId("img");
        TestData.send("image.events", partitionKey, complete(stolenKeyEvent, attacker, "gen_" + forgedImage, forgedImage,
                before.storageKey));
        // 2. a key outside the users/ scheme altogether (a path of image-service's older, unowned scheme)
        String unownedKeyEvent = Ids.newId("evt");
        String otherImage = Ids.newId("img");
        TestData.send("image.events", partitionKey, complete(unownedKeyEvent, attacker, "gen_" + otherImage, otherImage,
                "generations/gen_" + otherImage + "/a1/" + otherImage + ".png"));
        // 3. the victim's image id with a key under the attacker's own prefix: well-formed, so applied, but the
        //    image already belongs to the victim and stays theirs
        String takeOverEvent = Ids.newId("evt");
        TestData.send("image.events", partitionKey, complete(takeOverEvent, attacker, before.generationId, victimImage,
                TestData.storageKey(attacker, before.generationId, victimImage)));

        TestData.imageEvent(Ids.newId("evt"), attacker, follower, null, null, "after the forgeries", Instant.now(),
                TestData.png(8, 8, 2), 8, 8, false);
        TestData.awaitImage(db, follower);

        assertThat(db.read(() -> ImageRef.<ImageRef>findById(forgedImage))).as("nothing of the stolen key is kept").isNull();
        assertThat(db.read(() -> ImageRef.<ImageRef>findById(otherImage))).as("nothing of the unowned key is kept").isNull();
        assertThat(OutboxWire.processed(db, "download-service.images", stolenKeyEvent)).isFalse();
        assertThat(OutboxWire.processed(db, "download-service.images", unownedKeyEvent)).isFalse();
        ImageRef after = db.read(() -> ImageRef.<ImageRef>findById(victimImage));
        assertThat(after.userId).as("the victim's image stays the victim's").isEqualTo(victim);
        assertThat(after.storageKey).isEqualTo(before.storageKey);

        List<ConsumerRecord<String, String>> dead = deadLetters(List.of(stolenKeyEvent, unownedKeyEvent, takeOverEvent));
        assertThat(dead).extracting(ConsumerRecord::value).as("both forgeries with foreign keys, and only they, are dead-lettered")
                .hasSize(2).anyMatch(v -> v.contains(stolenKeyEvent)).anyMatch(v -> v.contains(unownedKeyEvent));
        for (ConsumerRecord<String, String> r : dead) {
            assertThat(header(r, "dead-letter-topic")).isEqualTo("image.events");
            assertThat(header(r, "dead-letter-reason")).contains("storage key").contains("is not image-service's key for user " + attacker);
        }
    }

    private static String complete(String eventId, String userId, String generationId, String imageId, String key) {
        return TestData.event(eventId, "image.complete", userId, "{\"generationId\":\"" + generationId
                + "\",\"chatId\":null,\"projectId\":null,\"prompt\":\"forged\",\"images\":[{\"id\":\"" + imageId
                + "\",\"url\":\"/v1/images/" + imageId + "\",\"thumbnailUrl\":null,\"size\":\"8x8\",\"format\":\"png\","
                + "\"createdAt\":\"" + Instant.now() + "\",\"width\":8,\"height\":8,\"bytes\":100,\"checksum\":\"x\","
                + "\"storageKey\":\"" + key + "\"}]}");
    }

    /** The records of download-service.dlt that carry one of {@code eventIds}, read until none more arrive. */
    private static List<ConsumerRecord<String, String>> deadLetters(List<String> eventIds) {
        List<ConsumerRecord<String, String>> found = new java.util.ArrayList<>();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestData.config("kafka.bootstrap.servers"));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlt-check-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("download-service.dlt"));
            // the forged records were handled before the follower was applied: a few quiet polls read them all
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int quiet = 0;
            while (System.nanoTime() < deadline && (found.size() < 2 || quiet < 3)) {
                var records = consumer.poll(Duration.ofMillis(500));
                quiet = records.isEmpty() ? quiet + 1 : 0;
                for (ConsumerRecord<String, String> r : records) {
                    if (eventIds.stream().anyMatch(r.value()::contains)) {
                        found.add(r);
                    }
                }
            }
        }
        return found;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
