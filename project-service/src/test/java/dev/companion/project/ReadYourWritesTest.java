package dev.companion.project;

import dev.companion.common.id.Ids;
import dev.companion.testing.FakeOwner;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A chat project-service's read model has not seen yet (chat.created on its way) is asked of
 * chat-service with the caller's token: a chat-scoped instruction set attaches to it at once and the
 * project counts it once, whether chat.created comes later or at the same moment; the owner's no is
 * 404, its absence 503 with Retry-After, never a false 404.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_project"))
@QuarkusTestResource(value = FakeOwner.class, initArgs = {
        @ResourceArg(name = "client", value = "chat-service"), @ResourceArg(name = "path", value = "/v1/chats/")})
class ReadYourWritesTest {

    private static final FakeOwner.Resources CHATS = FakeOwner.at("/v1/chats/");

    private static String project(TestUsers u) {
        return u.api().body(Map.of("name", "Fresh")).post("/v1/projects").then().statusCode(201).extract().path("data.id");
    }

    private static Map<String, Object> chatSet(String chatId) {
        return Map.of("name", "Voice", "scope", "chat", "chatId", chatId, "instructions", Map.of("style", "Terse"));
    }

    /** A chat chat-service has just created for {@code u}: the owner knows it, this service not yet. */
    private static String freshChat(TestUsers u, String projectId, Instant createdAt) {
        String chatId = Ids.newId("chat");
        CHATS.own(chatId, u.id(), Map.of("projectId", projectId, "name", "Just created", "model", "gpt-4",
                "messageCount", 0, "createdAt", createdAt.toString(), "updatedAt", createdAt.toString()));
        return chatId;
    }

    @Test
    void aChatOnlyTheOwnerKnowsYetTakesAChatScopedSetAtOnce() {
        TestUsers u = TestUsers.fresh();
        String projectId = project(u);
        String chatId = freshChat(u, projectId, Instant.now());
        u.api().body(chatSet(chatId)).post("/v1/instructions")
                .then().statusCode(201).body("data.chatId", is(chatId)).body("data.projectId", is(projectId));
        assertEquals(List.of("Bearer " + u.token()), CHATS.authorizationsFor(chatId), "asked once, with the caller's token");
        u.api().get("/v1/projects/" + projectId).then().statusCode(200).body("data.chatCount", is(1));
        u.api().queryParam("chatId", chatId).get("/v1/instructions/effective").then().statusCode(200)
                .body("data.projectId", is(projectId)).body("data.layers.size()", is(1));
        assertEquals(1, CHATS.authorizationsFor(chatId).size(), "later calls are answered by the read model");
    }

    @Test
    void effectiveListAndUpdateNameAChatOnlyTheOwnerKnows() {
        TestUsers u = TestUsers.fresh();
        String projectId = project(u);
        String projectSet = InstructionApiTest.create(u, Map.of("name", "p", "scope", "project", "projectId", projectId,
                "instructions", Map.of("role", "r")));

        String forEffective = freshChat(u, projectId, Instant.now());
        u.api().queryParam("chatId", forEffective).get("/v1/instructions/effective").then().statusCode(200)
                .body("data.projectId", is(projectId)).body("data.layers.id", contains(projectSet));

        // the filter selects what applies in the chat: its project's set, not only the global ones
        String forList = freshChat(u, projectId, Instant.now());
        u.api().queryParam("chatId", forList).queryParam("projectId", projectId).get("/v1/instructions").then().statusCode(200)
                .body("data.instructions.id", contains(projectSet));

        // a chat set moved to another chat without repeating its scope
        String set = InstructionApiTest.create(u, chatSet(forEffective));
        String forUpdate = freshChat(u, projectId, Instant.now());
        u.api().body(Map.of("chatId", forUpdate)).put("/v1/instructions/" + set).then().statusCode(200)
                .body("data.scope", is("chat")).body("data.chatId", is(forUpdate));

        u.api().get("/v1/projects/" + projectId).then().body("data.chatCount", is(3));
        assertEquals(1, CHATS.authorizationsFor(forUpdate).size());
    }

    @Test
    void chatCreatedArrivingAfterTheOwnerAnsweredChangesNothing() {
        TestUsers u = TestUsers.fresh();
        String projectId = project(u);
        Instant createdAt = Instant.now().plusSeconds(30).truncatedTo(ChronoUnit.MILLIS);
        String chatId = freshChat(u, projectId, createdAt);
        u.api().body(chatSet(chatId)).post("/v1/instructions").then().statusCode(201);
        u.api().get("/v1/projects/" + projectId).then().body("data.chatCount", is(1))
                .body("data.lastActivity", is(createdAt.toString()));

        KafkaTestClient.chatCreated(chatId, projectId, u.id(), createdAt);
        // a later message of the same chat (same partition) tells when chat.created has been applied
        Instant later = createdAt.plusSeconds(60);
        KafkaTestClient.sendChatEvent("message.created", chatId, u.id(), Map.of("chatId", chatId, "projectId", projectId,
                "messageId", "msg_1", "role", "user", "createdAt", later.toString()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> u.api().get("/v1/projects/" + projectId).then()
                .body("data.lastActivity", is(later.toString())));
        u.api().get("/v1/projects/" + projectId).then().body("data.chatCount", is(1));
        u.api().queryParam("chatId", chatId).get("/v1/instructions").then().body("data.instructions.size()", is(1));
    }

    @Test
    void requestsRacingForFreshChatsCountEachChatOnce() throws Exception {
        TestUsers u = TestUsers.fresh();
        String projectId = project(u);
        List<String> fresh = List.of(freshChat(u, projectId, Instant.now()), freshChat(u, projectId, Instant.now()),
                freshChat(u, projectId, Instant.now()));
        ExecutorService pool = Executors.newFixedThreadPool(9);
        try {
            List<CompletableFuture<Integer>> calls = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (String chatId : fresh) {
                    calls.add(CompletableFuture.supplyAsync(() -> u.api().body(chatSet(chatId)).post("/v1/instructions")
                            .then().extract().statusCode(), pool));
                }
            }
            for (CompletableFuture<Integer> call : calls) {
                assertEquals(201, call.get());
            }
        } finally {
            pool.shutdownNow();
        }
        u.api().get("/v1/projects/" + projectId).then().body("data.chatCount", is(fresh.size()));
    }

    @Test
    void theOwnersNoIs404AndItsAbsence503WithRetryAfter() {
        TestUsers u = TestUsers.fresh();
        String someoneElses = Ids.newId("chat");
        CHATS.own(someoneElses, TestUsers.fresh().id(), Map.of("projectId", Ids.newId("proj")));
        u.api().body(chatSet(someoneElses)).post("/v1/instructions").then().statusCode(404)
                .body("error.code", is("NOT_FOUND")).body("error.details.resource", is("Chat"));
        u.api().queryParam("chatId", someoneElses).get("/v1/instructions/effective").then().statusCode(404)
                .body("error.code", is("NOT_FOUND"));
        u.api().queryParam("chatId", Ids.newId("chat")).get("/v1/instructions").then().statusCode(404)
                .body("error.code", is("NOT_FOUND"));

        String projectId = project(u);
        String mine = freshChat(u, projectId, Instant.now());
        CHATS.down(true);
        try {
            String retryAfter = u.api().body(chatSet(mine)).post("/v1/instructions").then().statusCode(503)
                    .body("error.code", is("SERVICE_UNAVAILABLE")).extract().header("Retry-After");
            assertTrue(Integer.parseInt(retryAfter) > 0, "Retry-After " + retryAfter);
            // one failed call only (three attempts with the retries): the breaker stays closed for the other tests
        } finally {
            CHATS.down(false);
        }
        u.api().body(chatSet(mine)).post("/v1/instructions").then().statusCode(201);
        u.api().get("/v1/projects/" + projectId).then().body("data.chatCount", is(1));
    }
}
