package dev.companion.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.events.EventEnvelope;
import dev.companion.common.id.Ids;
import dev.companion.events.ChatCreated;
import dev.companion.events.ChatDeleted;
import dev.companion.events.ChatSnapshot;
import dev.companion.events.ChatUpdated;
import dev.companion.events.CompanionEvent;
import dev.companion.events.ErrorInfo;
import dev.companion.events.GeneratedImage;
import dev.companion.events.ImageComplete;
import dev.companion.events.ImageDeleted;
import dev.companion.events.ImageFailed;
import dev.companion.events.ImageProgress;
import dev.companion.events.InstructionContent;
import dev.companion.events.InstructionCreated;
import dev.companion.events.InstructionSnapshot;
import dev.companion.events.MessageComplete;
import dev.companion.events.MessageCreated;
import dev.companion.events.ProjectArchived;
import dev.companion.events.ProjectCreated;
import dev.companion.events.ProjectDeleted;
import dev.companion.events.ProjectSettings;
import dev.companion.events.ProjectSnapshot;
import dev.companion.events.ProjectUpdated;
import dev.companion.events.TokenUsage;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;

import static dev.companion.auth.AuthFlow.*;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Contract: what project-service, chat-service and image-service write (the events module's typed records,
 * built as their producers build them, in the envelope their outbox writes, on the topic, key and headers
 * their relay uses) is what {@code UsageEventsConsumer} reads: the profile's usage counters follow the
 * created and deleted projects, chats and images, every other type on those topics counts nothing, and a
 * replay counts nothing twice. A counted event whose data does not fit its record goes to
 * {@code auth-service.dlt} and the records behind it are still counted.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = {@ResourceArg(name = "database", value = "companion_auth"), @ResourceArg(name = "redis", value = "true")})
class UsageEventsContractTest {

    @Inject
    ObjectMapper mapper;

    @Test
    void producersEventsAsWrittenMoveTheUsageCounters() {
        Tokens t = loginNewUser(newEmail("contract"));
        String userId = userId(t);
        String now = Instant.now().toString();
        List<Sent> sent = new ArrayList<>();

        // project-service: ProjectMapper.toEvent(type, p) = ProjectSnapshot.of(...), new ProjectDeleted(p.id, p.userId)
        String keep = Ids.newId("proj");
        String doomed = Ids.newId("proj");
        for (String p : List.of(keep, doomed)) {
            sent.add(record(ProjectSnapshot.of(ProjectCreated.TYPE, p, userId, "P", null, List.of("a"), null,
                    new ProjectSettings(true, true, false), false, now, now), userId));
        }
        sent.add(record(ProjectSnapshot.of(ProjectUpdated.TYPE, keep, userId, "P2", "d", List.of(), "#112233",
                new ProjectSettings(true, false, false), false, now, now), userId));
        sent.add(record(ProjectSnapshot.of(ProjectArchived.TYPE, keep, userId, "P2", "d", List.of(), "#112233",
                new ProjectSettings(true, false, false), true, now, now), userId));
        sent.add(record(InstructionSnapshot.of(InstructionCreated.TYPE, Ids.newId("inst"), userId, "I", "project", keep, null,
                "append", new InstructionContent("r", "s", List.of(), List.of()), now, now), userId));
        sent.add(record(new ProjectDeleted(doomed, userId), userId));

        // chat-service: ChatEventPublisher (ChatSnapshot.of, ChatDeleted, MessageCreated, MessageComplete); its chunks are on chat.stream, not read here
        List<String> chats = IntStream.range(0, 3).mapToObj(i -> Ids.newId("chat")).toList();
        for (String c : chats) {
            sent.add(record(ChatSnapshot.of(ChatCreated.TYPE, c, keep, userId, "C", "gpt-4", false, false, 0, now, now), userId));
        }
        String chat = chats.get(0);
        String message = Ids.newId("msg");
        sent.add(record(ChatSnapshot.of(ChatUpdated.TYPE, chat, keep, userId, "C2", "gpt-4", false, true, 2, now, now), userId));
        sent.add(record(new MessageCreated(chat, keep, message, "user", now), userId));
        sent.add(record(new MessageComplete(chat, message, "Hello", new TokenUsage(12, 5, 17)), userId));
        sent.add(record(new ChatDeleted(chats.get(2), keep, userId), userId));

        // image-service: ImageJobProcessor (image.complete with every stored image), ProgressPublisher,
        // ImageLibraryService (image.deleted per generation)
        String generation = Ids.newId("gen");
        List<GeneratedImage> images = IntStream.range(0, 3).mapToObj(i -> image(Ids.newId("img"), now)).toList();
        sent.add(record(new ImageProgress(generation, 50, "processing"), userId));
        sent.add(record(new ImageComplete(generation, chat, keep, "a cat", images), userId));
        sent.add(record(new ImageDeleted(List.of(images.get(0).id()), generation, chat, keep), userId));
        sent.add(record(new ImageFailed(Ids.newId("gen"), new ErrorInfo("provider_error", "no")), userId));
        // another user's events count for that user only
        sent.add(record(ChatSnapshot.of(ChatCreated.TYPE, Ids.newId("chat"), keep, "user_someoneelse", "X", "gpt-4",
                false, false, 0, now, now), "user_someoneelse"));

        send(sent);
        awaitUsage(t, 1, 2, 2);

        // the same records again (same event ids): nothing changes, once the service has committed every
        // partition of the three topics past the replay
        List<Sent> again = new ArrayList<>(sent);
        again.add(record(new ProjectDeleted(keep, userId), userId));
        again.add(record(new ChatDeleted(chats.get(1), keep, userId), userId));
        again.add(record(new ImageDeleted(List.of(images.get(1).id()), generation, chat, keep), userId));
        send(again);
        awaitUsage(t, 0, 1, 1);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                KafkaEvents.consumedAll("auth-service", "project.events", "chat.events", "image.events"));
        awaitUsage(t, 0, 1, 1);
    }

    @Test
    void aCountedEventThatDoesNotFitItsRecordIsDeadLetteredAndTheNextIsCounted() throws Exception {
        Tokens t = loginNewUser(newEmail("contract-dlt"));
        String userId = userId(t);
        String generation = Ids.newId("gen");
        // image.complete whose images is not a list: ImageComplete cannot be read from it
        EventEnvelope bad = new EventEnvelope(Ids.newId("evt"), ImageComplete.TYPE, Instant.now().toString(), userId, "req_contract",
                mapper.readTree("{\"generationId\":\"" + generation + "\",\"prompt\":\"p\",\"images\":42}"));
        send(List.of(new Sent("image.events", generation, bad),
                record(new ImageComplete(generation, null, null, "p", List.of(image(Ids.newId("img"), Instant.now().toString()))), userId)));

        awaitUsage(t, 0, 0, 1);
        List<ConsumerRecord<String, String>> dead = KafkaEvents.awaitRecords("auth-service.dlt",
                e -> bad.id().equals(e.path("id").asText()), Duration.ofSeconds(30));
        assertEquals(1, dead.size());
        assertNotNull(dead.get(0).headers().lastHeader("dead-letter-reason"));
    }

    private static GeneratedImage image(String id, String now) {
        return new GeneratedImage(id, "http://minio/o/" + id, "http://minio/t/" + id, "1024x1024", "png", now,
                1024, 1024, 2048, "sha256:00", "images/" + id + ".png");
    }

    private static String userId(Tokens t) {
        return given().header("Authorization", bearer(t.accessToken())).when().get("/v1/user/profile")
                .then().statusCode(200).extract().path("data.id");
    }

    private static void awaitUsage(Tokens t, int projects, int chats, int images) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                given().header("Authorization", bearer(t.accessToken())).when().get("/v1/user/profile")
                        .then().statusCode(200).body("data.usage.projects", is(projects))
                        .body("data.usage.chats", is(chats)).body("data.usage.images", is(images)));
    }

    /** One record as the producer's relay sends it. */
    private record Sent(String topic, String key, EventEnvelope envelope) {
    }

    /** What the producer's Outbox.publish(event, userId) writes: topic and key from the record, the envelope around it. */
    private Sent record(CompanionEvent event, String userId) {
        return new Sent(event.topic(), event.keyFor(userId),
                EventEnvelope.create(event.type(), userId, "req_contract", mapper.valueToTree(event)));
    }

    /** Sends the records in order, as the producers' relays do (the value is the envelope; headers ce_id, ce_type). */
    private void send(List<Sent> records) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaEvents.bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (Sent s : records) {
                ProducerRecord<String, String> r = new ProducerRecord<>(s.topic(), s.key(), mapper.writeValueAsString(s.envelope()));
                r.headers().add(new RecordHeader("ce_id", s.envelope().id().getBytes(StandardCharsets.UTF_8)));
                r.headers().add(new RecordHeader("ce_type", s.envelope().type().getBytes(StandardCharsets.UTF_8)));
                producer.send(r).get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
