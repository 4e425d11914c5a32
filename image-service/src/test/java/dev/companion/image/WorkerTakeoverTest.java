package dev.companion.image;

import dev.companion.image.events.ImageJobWorker;
import dev.companion.image.events.ImageWorkers;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.companion.image.ImageTestSupport.*;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Two workers in one consumer group (the app's own slot plus a second one started here): jobs spread
 * over both, and a worker killed mid-job loses the job to the other, which completes it exactly once.
 * (The system tests repeat this with separate IMAGE_ROLE=worker processes.)
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_image"))
@QuarkusTestResource(FakeOpenAiResource.class)
class WorkerTakeoverTest {

    @Inject
    ImageWorkers workers;

    @BeforeAll
    static void log() {
        startEventLog();
    }

    /** The workers' group is stable and each of {@code clientIds} holds at least one partition. */
    private static boolean groupSettled(String... clientIds) throws Exception {
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", bootstrap());
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            String group = org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("companion.image.worker.group-id", String.class);
            var description = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
            if (description.groupState() != org.apache.kafka.common.GroupState.STABLE) {
                return false;
            }
            for (String clientId : clientIds) {
                boolean assigned = description.members().stream()
                        .anyMatch(m -> m.clientId().equals(clientId) && !m.assignment().topicPartitions().isEmpty());
                if (!assigned) {
                    return false;
                }
            }
            return true;
        }
    }

    @Test
    void jobsSpreadAndAKilledWorkersJobCompletesOnceElsewhere() throws Exception {
        List<ImageJobWorker> live = workers.workers().stream().filter(ImageJobWorker::alive).toList();
        ImageJobWorker second = live.size() >= 2 ? live.get(1) : workers.startWorker();
        ImageJobWorker first = live.get(0);
        // the group has settled with both members, each holding partitions
        await().atMost(30, TimeUnit.SECONDS).until(() -> groupSettled(first.workerId(), second.workerId()));

        int before1 = first.completedJobs();
        int before2 = second.completedJobs();
        List<String[]> jobs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String u = user();
            String token = TestTokens.forUser(u);
            jobs.add(new String[]{token, generate(token, "{\"prompt\":\"spread " + i + "\",\"options\":{\"size\":\"1024x1024\"}}").getString("data.id")});
        }
        for (String[] j : jobs) {
            awaitStatus(j[0], j[1], "completed", 90);
        }
        assertTrue(first.completedJobs() > before1, "first worker took no job");
        assertTrue(second.completedJobs() > before2, "second worker took no job");

        // a slow remote job; whoever claims it is killed mid-job
        String token = TestTokens.forUser(user());
        String id = generate(token, "{\"prompt\":\"slow takeover tower\",\"options\":{\"model\":\"dall-e-3\",\"n\":2}}").getString("data.id");
        await().atMost(20, TimeUnit.SECONDS).until(() -> id.equals(first.currentJob()) || id.equals(second.currentJob()));
        ImageJobWorker victim = id.equals(first.currentJob()) ? first : second;
        ImageJobWorker survivor = victim == first ? second : first;
        String victimId = queryString("SELECT worker_id FROM image_generation WHERE id = ?", id);
        assertEquals(victim.workerId(), victimId);
        victim.kill();

        awaitStatus(token, id, "completed", 60);
        assertTrue(victim.awaitStop(Duration.ofSeconds(15)));
        workers.forget(victim);
        // done once: one set of images, one image.complete, by the other worker on its second attempt
        assertEquals(2, queryLong("SELECT count(*) FROM image WHERE generation_id = ?", id));
        assertEquals(2, queryLong("SELECT attempts FROM image_generation WHERE id = ?", id));
        assertEquals(survivor.workerId(), queryString("SELECT worker_id FROM image_generation WHERE id = ?", id));
        await().atMost(10, TimeUnit.SECONDS).until(() -> events(id, "image.complete").size() == 1);
        // and stays one: room for a duplicate delivery to show up
        await().during(2, TimeUnit.SECONDS).atMost(5, TimeUnit.SECONDS).until(() -> events(id, "image.complete").size() == 1);
        assertTrue(survivor.alive());
        // the job was re-queued by the lease sweeper: a second image.requested for the same generation
        assertTrue(jobs(id).size() >= 2);
        // both images were written by the survivor's attempt and can be downloaded
        var status = status(token, id);
        for (int i = 0; i < 2; i++) {
            assertEquals(200, download(status.getString("data.images[" + i + "].url")).statusCode());
            assertTrue(status.getString("data.images[" + i + "].url").contains("/a2/"));
        }
        // nothing of the dead attempt is left in the bucket listing of the generation (only a2 objects referenced)
        assertEquals(0, queryLong("SELECT count(*) FROM image WHERE generation_id = ? AND storage_key LIKE '%/a1/%'", id));
    }
}
