package dev.companion.chat;

import dev.companion.chat.support.ChatTestSupport.User;
import dev.companion.chat.support.FakeOpenAiResource;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.companion.chat.support.ChatTestSupport.createChat;
import static dev.companion.chat.support.ChatTestSupport.createProject;
import static dev.companion.chat.support.ChatTestSupport.messages;
import static dev.companion.chat.support.ChatTestSupport.newUser;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The budgets of chat-service (issue #15): template expansion, attachment bytes, answers and batch items
 * streaming at once per user. Each refusal is the seed's envelope and stores nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_chat"))
@QuarkusTestResource(FakeOpenAiResource.class)
class BudgetsTest {

    private static final Map<String, Object> FAKE = Map.of("model", "fake-gpt");

    @Test
    void aPromptThatWouldExpandPastTheBudgetIsRefusedBeforeAnythingIsStored() {
        User user = newUser();
        String chatId = createChat(user, createProject(user), FAKE);
        // 100,000 characters of {{a}} with a 50,000-character variable: 10^9 characters if expanded
        Map<String, Object> body = Map.of("content", "{{a}}".repeat(20_000),
                "metadata", Map.of("variables", Map.of("a", "x".repeat(50_000))));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(body)
                .post("/v1/chats/" + chatId + "/messages")
                .then().statusCode(400)
                .body("success", is(false))
                .body("error.code", is("VALIDATION_ERROR"))
                .body("error.details.field", is("content"))
                .body("error.details.constraint", is("maxExpandedLength"))
                .body("error.details.value", is(100_000));
        assertEquals(0, messages(user, chatId).size());
        // within the budget the same template is filled
        given().auth().oauth2(user.token()).contentType(ContentType.JSON)
                .body(Map.of("content", "{{a}} and {{a}}", "metadata", Map.of("variables", Map.of("a", "b".repeat(40_000)))))
                .post("/v1/chats/" + chatId + "/messages")
                .then().statusCode(201).body("data.content", is("b".repeat(40_000) + " and " + "b".repeat(40_000)));
    }

    @Test
    void aBatchPromptOverTheExpansionBudgetNamesItsIndex() {
        User user = newUser();
        String chatId = createChat(user, createProject(user), FAKE);
        List<Map<String, Object>> prompts = List.of(Map.of("content", "fine"),
                Map.of("content", "{{v}}{{v}}{{v}}", "metadata", Map.of("variables", Map.of("v", "y".repeat(40_000)))));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("prompts", prompts, "mode", "parallel"))
                .post("/v1/chats/" + chatId + "/messages/batch")
                .then().statusCode(400)
                .body("error.code", is("VALIDATION_ERROR"))
                .body("error.details.field", is("prompts[1].content"))
                .body("error.details.constraint", is("maxExpandedLength"));
        assertEquals(0, messages(user, chatId).size());
    }

    @Test
    void aChainedPromptWhosePreviousAnswerWouldTakeItPastTheBudgetFailsAloneAndTheBatchEnds() {
        User user = newUser();
        String chatId = createChat(user, createProject(user), FAKE);
        // the fake answers "Echo: <prompt>" (18 characters here); 8,000 copies of it are 144,000 characters
        List<Map<String, Object>> prompts = List.of(Map.of("content", "first prompt"),
                Map.of("content", "{{previous}}".repeat(8_000)), Map.of("content", "third"));
        String batchId = given().auth().oauth2(user.token()).contentType(ContentType.JSON)
                .body(Map.of("prompts", prompts, "mode", "chained", "options", Map.of("continueOnError", true)))
                .post("/v1/chats/" + chatId + "/messages/batch")
                .then().statusCode(202).extract().path("data.batchId");
        await().atMost(Duration.ofSeconds(30)).until(() -> !"running".equals(batch(user, chatId, batchId).path("data.status")));
        Response b = batch(user, chatId, batchId);
        assertEquals("partial", b.path("data.status"));
        assertEquals("complete", b.path("data.items[0].status"));
        assertEquals("error", b.path("data.items[1].status"));
        assertEquals("content_too_long", b.path("data.items[1].error.code"));
        assertEquals("complete", b.path("data.items[2].status"));
    }

    @Test
    void attachmentsOverTheirByteBudgetAreRefused() {
        User user = newUser();
        String chatId = createChat(user, createProject(user), FAKE);
        Map<String, Object> big = Map.of("name", "notes.txt", "type", "text/plain", "data", "z".repeat(600_000));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON)
                .body(Map.of("content", "see attached", "attachments", List.of(big, big)))
                .post("/v1/chats/" + chatId + "/messages")
                .then().statusCode(400)
                .body("error.code", is("VALIDATION_ERROR"))
                .body("error.details.field", is("attachments"))
                .body("error.details.constraint", is("maxBytes"))
                .body("error.details.value", is(1_048_576));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON)
                .body(Map.of("content", "see attached", "attachments", List.of(Map.of("name", "a"), Map.of("name", "b"),
                        Map.of("name", "c"), Map.of("name", "d"), Map.of("name", "e"), Map.of("name", "f"), Map.of("name", "g"),
                        Map.of("name", "h"), Map.of("name", "i"), Map.of("name", "j"), Map.of("name", "k"))))
                .post("/v1/chats/" + chatId + "/messages")
                .then().statusCode(400).body("error.details.field", is("attachments"));
        assertEquals(0, messages(user, chatId).size());
    }

    @Test
    void aUserWithFiveAnswersStreamingGets429WithRetryAfterAndOthersAreUnaffected() {
        User user = newUser();
        String projectId = createProject(user);
        List<String> chats = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            chats.add(createChat(user, projectId, FAKE));
        }
        for (int i = 0; i < 5; i++) {
            send(user, chats.get(i), "SLOW answer " + i).then().statusCode(201);
        }
        send(user, chats.get(5), "one too many").then().statusCode(429)
                .header("Retry-After", notNullValue())
                .body("success", is(false))
                .body("error.code", is("RATE_LIMIT"))
                .body("error.details.constraint", is("maxConcurrentAnswers"))
                .body("error.details.value", is(5));
        assertEquals(0, messages(user, chats.get(5)).size());
        // another user is not held back by this one
        User other = newUser();
        send(other, createChat(other, createProject(other), FAKE), "hello").then().statusCode(201);
        // a batch item is another budget: the user's batch still starts
        given().auth().oauth2(user.token()).contentType(ContentType.JSON)
                .body(Map.of("prompts", List.of(Map.of("content", "in a batch")), "mode", "sequential"))
                .post("/v1/chats/" + chats.get(5) + "/messages/batch").then().statusCode(202);
        // once the slow answers end, the user may send again
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> send(user, chats.get(0), "again").statusCode() == 201);
    }

    @Test
    void batchItemsStreamingAtOnceAreBoundedPerUser() {
        User user = newUser();
        String projectId = createProject(user);
        String first = createChat(user, projectId, FAKE);
        String second = createChat(user, projectId, FAKE);
        List<Map<String, Object>> twenty = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            twenty.add(Map.of("content", "SLOW item " + i));
        }
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("prompts", twenty, "mode", "parallel"))
                .post("/v1/chats/" + first + "/messages/batch").then().statusCode(202);
        given().auth().oauth2(user.token()).contentType(ContentType.JSON)
                .body(Map.of("prompts", List.of(Map.of("content", "one more")), "mode", "sequential"))
                .post("/v1/chats/" + second + "/messages/batch")
                .then().statusCode(429)
                .header("Retry-After", notNullValue())
                .body("error.code", is("RATE_LIMIT"))
                .body("error.details.constraint", is("maxConcurrentBatchItems"))
                .body("error.details.value", is(20));
        assertEquals(0, messages(user, second).size());
        // a plain answer is not a batch item
        send(user, second, "not in a batch").then().statusCode(201);
    }

    @Test
    void aPageBeyondTheOffsetBoundIsAFieldErrorNotA500() {
        User user = newUser();
        String chatId = createChat(user, createProject(user), FAKE);
        given().auth().oauth2(user.token()).queryParam("page", Integer.MAX_VALUE).queryParam("limit", 100)
                .get("/v1/chats/" + chatId + "/messages")
                .then().statusCode(400)
                .body("error.code", is("VALIDATION_ERROR"))
                .body("error.details.field", is("page"))
                .body("error.details.value", is(1001));
    }

    private static Response send(User user, String chatId, String content) {
        return given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("content", content))
                .post("/v1/chats/" + chatId + "/messages");
    }

    private static Response batch(User user, String chatId, String batchId) {
        return given().auth().oauth2(user.token()).get("/v1/chats/" + chatId + "/messages/batch/" + batchId);
    }
}
