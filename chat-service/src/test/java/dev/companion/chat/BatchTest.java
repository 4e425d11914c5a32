package dev.companion.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.chat.support.ChatTestSupport;
import dev.companion.chat.support.ChatTestSupport.ChatEvents;
import dev.companion.chat.support.ChatTestSupport.User;
import dev.companion.chat.support.FakeOpenAiResource;
import dev.companion.chat.support.FakeOpenAiServer;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.companion.chat.support.ChatTestSupport.createChat;
import static dev.companion.chat.support.ChatTestSupport.createProject;
import static dev.companion.chat.support.ChatTestSupport.messages;
import static dev.companion.chat.support.ChatTestSupport.newUser;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batch prompts in each mode, with a failing item (the fake provider refuses "FAIL") and continueOnError both ways. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_chat"))
@QuarkusTestResource(FakeOpenAiResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchTest {

    private ChatEvents events;
    private FakeOpenAiServer fake;

    @BeforeAll
    void setUp() {
        events = new ChatEvents();
        fake = FakeOpenAiResource.server();
    }

    @AfterAll
    void tearDown() {
        events.close();
    }

    private record Run(String chatId, String batchId, JsonNode started, JsonNode complete, User user) {
    }

    private Run run(String mode, boolean continueOnError, List<String> prompts) {
        User user = newUser();
        String chatId = createChat(user, createProject(user), Map.of("model", "fake-gpt"));
        List<Map<String, Object>> ps = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            ps.add(Map.of("content", prompts.get(i), "metadata", Map.of("order", i + 1)));
        }
        String body = given().auth().oauth2(user.token()).contentType(ContentType.JSON)
                .body(Map.of("prompts", ps, "mode", mode, "options", Map.of("continueOnError", continueOnError, "timeout", 30000)))
                .post("/v1/chats/" + chatId + "/messages/batch")
                .then().statusCode(202).body("data.mode", is(mode)).body("data.status", is("running"))
                .extract().asString();
        JsonNode started = read(body).path("data");
        String batchId = started.path("batchId").asText();
        assertTrue(batchId.startsWith("batch_"));
        List<JsonNode> evts = events.awaitFor(chatId, e -> ChatEvents.has(e, "batch.complete", null));
        JsonNode complete = ChatEvents.first(evts, "batch.complete", null).path("data");
        assertEquals(batchId, complete.path("batchId").asText());
        assertEquals(mode, complete.path("mode").asText());
        return new Run(chatId, batchId, started, complete, user);
    }

    private static List<String> statuses(JsonNode complete) {
        List<String> out = new ArrayList<>();
        complete.path("items").forEach(i -> out.add(i.path("status").asText()));
        return out;
    }

    private String status(Run r) {
        return read(given().auth().oauth2(r.user().token()).get("/v1/chats/" + r.chatId() + "/messages/batch/" + r.batchId())
                .then().statusCode(200).extract().asString()).path("data").path("status").asText();
    }

    @Test
    void sequentialStopsAtTheFailingItemWithoutContinueOnError() {
        Run r = run("sequential", false, List.of("seq-a one", "seq-a FAIL two", "seq-a three"));
        assertEquals(List.of("complete", "error", "skipped"), statuses(r.complete()));
        assertEquals("provider_error", r.complete().path("items").get(1).path("error").path("code").asText());
        assertTrue(fake.receivedFor("seq-a three").isEmpty(), "the third prompt was never sent");
        assertEquals("failed", status(r));
        assertEquals(1, r.started().path("messages").size(), "the first prompt exists at once");
    }

    @Test
    void sequentialContinuesPastTheFailureAndKeepsOneThread() {
        Run r = run("sequential", true, List.of("seq-b one", "seq-b FAIL two", "seq-b three"));
        assertEquals(List.of("complete", "error", "complete"), statuses(r.complete()));
        assertEquals("partial", status(r));
        // one thread: the third prompt saw the first exchange (and the failed prompt) as history
        JsonNode third = fake.receivedFor("seq-b three").get(0).messages();
        assertTrue(third.toString().contains("seq-b one") && third.toString().contains("Echo: seq-b one"), third.toString());
        JsonNode stored = messages(r.user(), r.chatId());
        assertEquals(6, stored.size());
        for (int i = 1; i < stored.size(); i++) {
            assertEquals(stored.get(i - 1).path("id").asText(), stored.get(i).path("parentId").asText(), "each after the previous");
        }
    }

    @Test
    void parallelRunsAllFromTheSameParentAndContinuesOnError() {
        Run r = run("parallel", true, List.of("par-a one", "par-a FAIL two", "par-a three"));
        assertEquals(List.of("complete", "error", "complete"), statuses(r.complete()));
        JsonNode created = r.started().path("messages");
        assertEquals(3, created.size(), "all prompts are created at once");
        String parent = created.get(0).path("parentId").asText(null);
        for (JsonNode m : created) {
            assertEquals(parent, m.path("parentId").asText(null), "same parent for every prompt");
        }
        // each prompt went alone (no sibling's history)
        assertTrue(!fake.receivedFor("par-a three").get(0).messages().toString().contains("par-a one"));
    }

    @Test
    void parallelWithoutContinueOnErrorStopsTheOthersAtTheFirstFailure() {
        Run r = run("parallel", false, List.of("par-b SLOW one", "par-b FAIL two"));
        List<String> s = statuses(r.complete());
        assertEquals("error", s.get(1));
        assertEquals("cancelled", s.get(0), "the slow answer was stopped");
        assertEquals("failed", status(r));
    }

    @Test
    void chainedPutsThePreviousAnswerIntoTheNextPrompt() {
        Run r = run("chained", true, List.of("chain-a start", "chain-a FAIL {{previous}}", "chain-a after [{{previous}}]"));
        assertEquals(List.of("complete", "error", "complete"), statuses(r.complete()));
        assertEquals(1, fake.receivedFor("chain-a FAIL Echo: chain-a start").size(), "{{previous}} was the first answer");
        assertEquals(1, fake.receivedFor("chain-a after []").size(), "after a failure {{previous}} is empty");

        Run stopped = run("chained", false, List.of("chain-b start", "chain-b FAIL {{previous}}", "chain-b never"));
        assertEquals(List.of("complete", "error", "skipped"), statuses(stopped.complete()));
        assertTrue(fake.receivedFor("chain-b never").isEmpty());
    }

    private static JsonNode read(String s) {
        try {
            return ChatTestSupport.JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
