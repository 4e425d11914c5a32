package dev.companion.common.outbox;

import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * companion_outbox_backlog / companion_outbox_oldest_age_seconds on /q/metrics: while another holder
 * keeps the relay's advisory lock (as another replica would), a written event stays in the backlog and
 * ages; once the lock is free the relay sends it and its run leaves the backlog at 0.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_project"))
class OutboxMetricsTest {

    private static final long LOCK_KEY = 7_270_001L;

    @Inject
    Pool pool;

    @Inject
    OutboxMetrics metrics;

    @Inject
    OutboxRelay relay;

    private static double metric(String name) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.eE+-]+)$").matcher(body);
        assertTrue(m.find(), name + " is on /q/metrics");
        return Double.parseDouble(m.group(1));
    }

    @Test
    void theBacklogGrowsWhileTheRelayCannotSendAndIsZeroAfterItRan() {
        SqlConnection holder = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        try {
            holder.preparedQuery("SELECT pg_advisory_lock($1)").execute(Tuple.of(LOCK_KEY)).await().atMost(Duration.ofSeconds(10));
            given().queryParam("text", "metrics-held").post("/test/notes").then().statusCode(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                metrics.measure();
                return metric("companion_outbox_backlog") >= 1 && metric("companion_outbox_oldest_age_seconds") >= 1.0;
            });
        } finally {
            holder.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(LOCK_KEY)).await().atMost(Duration.ofSeconds(10));
            holder.close().await().atMost(Duration.ofSeconds(10));
        }
        relay.wake(); // the poll is an hour in this profile; the run measures what it left
        await().atMost(Duration.ofSeconds(15)).until(() -> metric("companion_outbox_backlog") == 0.0
                && metric("companion_outbox_oldest_age_seconds") == 0.0);
    }
}
