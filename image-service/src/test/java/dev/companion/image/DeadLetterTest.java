package dev.companion.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.id.Ids;
import dev.companion.events.ChatCreated;
import dev.companion.events.ProjectDeleted;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.companion.image.ChatEventsContractTest.CHAT_CONSUMER;
import static dev.companion.image.ChatEventsContractTest.PROJECT_CONSUMER;
import static dev.companion.image.ChatEventsContractTest.chatProject;
import static dev.companion.image.ChatEventsContractTest.processed;
import static dev.companion.image.ImageTestSupport.*;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Records image-service can never apply go to {@code image-service.dlt} with their cause, and the records
 * behind them are applied: a chat.created whose data does not fit its record and a value that is not an
 * event (the read-model channels, through IdempotentConsumer and SmallRye's dead-letter queue), and on
 * image.jobs a value that is not an event and an image.requested that does not fit its record, ahead of
 * a real job on every partition (the workers, which dead-letter them themselves and commit).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_image"))
@QuarkusTestResource(FakeOpenAiResource.class)
class DeadLetterTest {

    private static final String DLT = "image-service.dlt";
    private static final int JOB_PARTITIONS = 8;

    @Inject
    ObjectMapper mapper;

    @BeforeAll
    static void log() {
        startEventLog();
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicAndTheNextRecordIsApplied() throws Exception {
        String u = user();
        String t = Instant.now().toString();

        // chat.events: a chat.created that cannot be decoded, then a good one for the same chat (same partition)
        String chatId = Ids.newId("chat");
        String project = Ids.newId("proj");
        String poisonId = "evt_" + UUID.randomUUID().toString().replace("-", "");
        send("chat.events", null, chatId, "{\"id\":\"" + poisonId + "\",\"type\":\"chat.created\",\"occurredAt\":\"" + t
                + "\",\"userId\":\"" + u + "\",\"requestId\":null,\"data\":{\"id\":\"" + chatId + "\",\"projectId\":\"" + project
                + "\",\"userId\":\"" + u + "\",\"messageCount\":\"many\"}}");
        String created = publish(mapper, new ChatCreated(chatId, project, u, "After the poison", "gpt-4o-mini", false, false, 0, t, t), u);

        // project.events: not an event at all, then the project's deletion (same key, same partition)
        String garbage = "not an event " + UUID.randomUUID();
        send("project.events", null, project, garbage);
        String deleted = publish(mapper, new ProjectDeleted(project, u), u);

        // image.jobs: garbage and an unreadable image.requested on every partition, then a real job
        String marker = UUID.randomUUID().toString();
        for (int p = 0; p < JOB_PARTITIONS; p++) {
            send("image.jobs", p, "junk-" + p, "garbage job " + marker + " " + p);
            send("image.jobs", p, "bad-" + p, "{\"id\":\"evt_bad" + p + marker.replace("-", "") + "\",\"type\":\"image.requested\","
                    + "\"occurredAt\":\"" + t + "\",\"userId\":\"" + u + "\",\"requestId\":null,"
                    + "\"data\":{\"generationId\":\"img_gen_bad\",\"options\":\"large\",\"marker\":\"" + marker + "\"}}");
        }
        String token = TestTokens.forUser(u);
        String id = generate(token, "{\"prompt\":\"After the poison\"}").getString("data.id");

        // the records behind the poison were applied
        awaitStatus(token, id, "completed", 90);
        // the chat was learned (after its poison) and then removed with its project (after the garbage)
        await().atMost(30, TimeUnit.SECONDS).until(() -> processed(CHAT_CONSUMER, created) == 1
                && processed(PROJECT_CONSUMER, deleted) == 1);
        assertNull(chatProject(chatId));
        assertEquals(0, processed(CHAT_CONSUMER, poisonId), "the poison changed nothing");

        Map<String, ConsumerRecord<String, String>> dead = new HashMap<>();
        int expected = 2 + 2 * JOB_PARTITIONS;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlt-check-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(DLT));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && dead.size() < expected) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value().contains(poisonId)) {
                        dead.put("chat-poison", r);
                    } else if (r.value().equals(garbage)) {
                        dead.put("project-garbage", r);
                    } else if (r.value().startsWith("garbage job " + marker)) {
                        dead.put("job-garbage-" + r.key(), r);
                    } else if (r.value().contains(marker)) {
                        dead.put("job-unreadable-" + r.key(), r);
                    }
                }
            }
        }
        assertEquals(expected, dead.size(), "every unusable record reached " + DLT + ": " + dead.keySet());

        ConsumerRecord<String, String> chatPoison = dead.get("chat-poison");
        assertEquals(chatId, chatPoison.key());
        assertEquals("chat.events", header(chatPoison, "dead-letter-topic"));
        assertTrue(header(chatPoison, "dead-letter-reason").contains("unreadable payload"), header(chatPoison, "dead-letter-reason"));
        ConsumerRecord<String, String> projectGarbage = dead.get("project-garbage");
        assertEquals("project.events", header(projectGarbage, "dead-letter-topic"));
        assertTrue(header(projectGarbage, "dead-letter-reason").contains("not an event envelope"));

        for (int p = 0; p < JOB_PARTITIONS; p++) {
            ConsumerRecord<String, String> junk = dead.get("job-garbage-junk-" + p);
            assertEquals("image.jobs", header(junk, "dead-letter-topic"));
            assertEquals(Integer.toString(p), header(junk, "dead-letter-partition"));
            assertNotNull(header(junk, "dead-letter-offset"));
            assertTrue(header(junk, "dead-letter-reason").contains("not an event envelope"));
            ConsumerRecord<String, String> bad = dead.get("job-unreadable-bad-" + p);
            assertEquals("image.jobs", header(bad, "dead-letter-topic"));
            assertTrue(header(bad, "dead-letter-reason").contains("unreadable payload"), header(bad, "dead-letter-reason"));
        }
        // nothing was claimed for the unreadable job
        assertNull(queryString("SELECT id FROM image_generation WHERE id = 'img_gen_bad'"));
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
