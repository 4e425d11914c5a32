package dev.companion.common.outbox;

import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The relay is woken by the commit (LISTEN/NOTIFY), not by its poll: the test profile polls once an
 * hour, so an event that arrives at all arrived through the wake-up. A row Kafka cannot take (over
 * max.request.size) is refused with its reason and does not hold back the rows behind it.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_project"))
class OutboxWakeUpTest {

    @Inject
    Pool pool;

    private String write(String text, int padding) {
        return given().queryParam("text", text).queryParam("padding", padding).post("/test/notes")
                .then().statusCode(200).extract().path("data.id");
    }

    private boolean seen(String noteId) {
        return pool.preparedQuery("SELECT 1 FROM note_seen WHERE note_id = $1").execute(Tuple.of(noteId))
                .await().atMost(Duration.ofSeconds(10)).size() == 1;
    }

    private Row outboxRow(String text) {
        return pool.preparedQuery("SELECT sent_at, refused_reason FROM outbox_event WHERE payload LIKE $1")
                .execute(Tuple.of("%\"text\":\"" + text + "\"%")).await().atMost(Duration.ofSeconds(10)).iterator().next();
    }

    @Test
    void aCommittedEventLeavesWithoutWaitingForThePoll() {
        for (int i = 0; i < 20; i++) {
            String id = write("wake-" + i, 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> seen(id));
        }
    }

    @Test
    void aRecordTooLargeForKafkaIsRefusedAndTheRowsBehindItStillGoOut() {
        String big = write("too-large", 1_200_000);
        String after = write("after-too-large", 0);
        await().atMost(Duration.ofSeconds(20)).until(() -> seen(after));
        assertEquals(false, seen(big), "the oversize event never reached a consumer");
        Row refused = outboxRow("too-large");
        assertNotNull(refused.getValue("sent_at"), "the refused row is settled, not retried for ever");
        assertEquals("larger than Kafka's max.request.size", refused.getString("refused_reason"));
        assertNull(outboxRow("after-too-large").getString("refused_reason"));
    }
}
