package dev.companion.chat;

import dev.companion.chat.support.ChatTestSupport.ChatEvents;
import dev.companion.chat.support.ChatTestSupport.User;
import dev.companion.chat.support.FakeOpenAiResource;
import dev.companion.chat.support.FakeOpenAiServer;
import dev.companion.chat.support.FakeProjectService;
import dev.companion.chat.support.FakeProjectService.Asked;
import dev.companion.common.id.Ids;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.companion.chat.support.ChatTestSupport.createChat;
import static dev.companion.chat.support.ChatTestSupport.newUser;
import static dev.companion.chat.support.ChatTestSupport.publishProjectEvent;
import static dev.companion.chat.support.ChatTestSupport.send;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Read-your-writes against project-service (a fake at the wire, {@link FakeProjectService}).
 * Projects: one chat-service's read model has not seen (project.created still on its way) is asked of
 * project-service with the caller's token: its yes creates or lists and fills the read model, its no is
 * 404, its absence is 503 with Retry-After, never a false 404.
 * Instruction sets: when a message is sent, regenerated or a batch submitted, the sets applying to the chat
 * are read from project-service and stored before the answer is built, so one written a moment before is in
 * the system prompt; a set it no longer lists leaves; an older state never undoes a newer one (either way
 * round); project-service away or slow, the answer goes on with the last known sets.
 * The tests that make project-service fail come last, so its circuit breaker never opens under the others.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_chat"))
@QuarkusTestResource(FakeOpenAiResource.class)
@QuarkusTestResource(FakeProjectService.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadYourWritesTest {

    private ChatEvents events;
    private FakeOpenAiServer provider;

    @BeforeAll
    void setUp() {
        events = new ChatEvents();
        provider = FakeOpenAiResource.server();
    }

    @AfterAll
    void tearDown() {
        events.close();
    }

    /** A project only project-service knows, as {@code user}'s. */
    private static String ownersProject(User user) {
        String projectId = Ids.newId("proj");
        FakeProjectService.project(projectId, user.id(), false, Instant.now().toString());
        return projectId;
    }

    /** A chat (model fake-gpt, whose provider shows the system prompt) in a project project-service knows, and the chat known to it too. */
    private static String chatOf(User user) {
        String projectId = ownersProject(user);
        String chatId = createChat(user, projectId, Map.of("model", "fake-gpt"));
        FakeProjectService.chat(chatId, projectId);
        return chatId;
    }

    private static String projectOf(User user, String chatId) {
        return given().auth().oauth2(user.token()).get("/v1/chats/" + chatId).then().statusCode(200).extract().path("data.projectId");
    }

    private static Map<String, Object> body(String field, Object value) {
        return Map.of(field, value);
    }

    private static String ownerHas(User user, String scope, String projectId, String chatId, Map<String, Object> body, Instant updatedAt) {
        String id = Ids.newId("inst");
        FakeProjectService.instruction(user.id(), id, scope, projectId, chatId, "append", body, Instant.now().toString(), updatedAt.toString());
        return id;
    }

    /** Sends {@code marker} and answers the system prompt the provider received for it ("" when there was none). */
    private String systemPromptOf(User user, String chatId) {
        String marker = "MARK-" + System.nanoTime();
        send(user, chatId, "hello " + marker);
        return systemPromptFor(marker, 0);
    }

    private String systemPromptFor(String marker, int nth) {
        await().atMost(Duration.ofSeconds(20)).until(() -> provider.receivedFor(marker).size() > nth);
        var first = provider.receivedFor(marker).get(nth).messages().get(0);
        return "system".equals(first.path("role").asText()) ? first.path("content").asText() : "";
    }

    private static Map<String, Object> instructionEvent(String id, User user, String scope, String projectId, String chatId,
                                                        Map<String, Object> body, Instant updatedAt) {
        Map<String, Object> d = new HashMap<>();
        d.put("id", id);
        d.put("userId", user.id());
        d.put("name", "set " + id);
        d.put("scope", scope);
        d.put("projectId", projectId);
        d.put("chatId", chatId);
        d.put("mode", "append");
        d.put("instructions", body);
        d.put("createdAt", updatedAt.toString());
        d.put("updatedAt", updatedAt.toString());
        return d;
    }

    // --- projects ------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void aProjectOnlyTheOwnerKnowsYetTakesAChatAtOnce() {
        User user = newUser();
        String projectId = ownersProject(user);
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body(Map.of("name", "First chat"))
                .post("/v1/projects/" + projectId + "/chats")
                .then().statusCode(201).body("data.projectId", is(projectId)).body("data.id", startsWith("chat_"));
        assertEquals(List.of("Bearer " + user.token()),
                FakeProjectService.asked("/v1/projects/" + projectId).stream().map(Asked::authorization).toList(),
                "asked once, with the caller's own token");
        // now in the read model: the next calls need no owner
        given().auth().oauth2(user.token()).get("/v1/projects/" + projectId + "/chats")
                .then().statusCode(200).body("data.chats.size()", is(1));
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body("{}")
                .post("/v1/projects/" + projectId + "/chats").then().statusCode(201);
        assertEquals(1, FakeProjectService.asked("/v1/projects/" + projectId).size());
    }

    @Test
    @Order(2)
    void listingTheChatsOfAProjectOnlyTheOwnerKnowsAsksItToo() {
        User user = newUser();
        String projectId = ownersProject(user);
        given().auth().oauth2(user.token()).get("/v1/projects/" + projectId + "/chats")
                .then().statusCode(200).body("success", is(true)).body("data.chats.size()", is(0))
                .body("data.pagination.total", is(0));
        assertEquals(List.of("Bearer " + user.token()),
                FakeProjectService.asked("/v1/projects/" + projectId).stream().map(Asked::authorization).toList());
        given().auth().oauth2(user.token()).get("/v1/projects/" + projectId + "/chats").then().statusCode(200);
        assertEquals(1, FakeProjectService.asked("/v1/projects/" + projectId).size(), "the second listing is local");
    }

    @Test
    @Order(3)
    void theOwnersNoIs404AndAnotherUsersProjectStaysHidden() {
        User owner = newUser();
        User stranger = newUser();
        String projectId = ownersProject(owner);
        given().auth().oauth2(stranger.token()).contentType(ContentType.JSON).body("{}")
                .post("/v1/projects/" + projectId + "/chats")
                .then().statusCode(404).body("success", is(false)).body("error.code", is("NOT_FOUND"))
                .body("error.details.resource", is("project"));
        given().auth().oauth2(stranger.token()).get("/v1/projects/" + projectId + "/chats")
                .then().statusCode(404).body("error.code", is("NOT_FOUND"));
        assertEquals(List.of("Bearer " + stranger.token(), "Bearer " + stranger.token()),
                FakeProjectService.asked("/v1/projects/" + projectId).stream().map(Asked::authorization).toList(),
                "the stranger's own token went along, so the owner said no");
        given().auth().oauth2(stranger.token()).get("/v1/projects/" + Ids.newId("proj") + "/chats")
                .then().statusCode(404).body("error.code", is("NOT_FOUND"));
        // the stranger's miss left nothing behind: the owner still gets the project
        given().auth().oauth2(owner.token()).contentType(ContentType.JSON).body("{}")
                .post("/v1/projects/" + projectId + "/chats").then().statusCode(201);
    }

    // --- instruction sets ----------------------------------------------------------------------------

    @Test
    @Order(10)
    void setsOnlyTheOwnerKnowsAreInTheSystemPromptOfTheNextMessage() {
        User user = newUser();
        String chatId = chatOf(user);
        String projectId = projectOf(user, chatId);
        // project-service has them; project.events has not brought them to chat-service
        ownerHas(user, "global", null, null, body("role", "You answer in haiku only"), Instant.now());
        ownerHas(user, "project", projectId, null, body("constraints", List.of("Cite the project docs")), Instant.now());
        ownerHas(user, "chat", projectId, chatId, body("style", "Playful"), Instant.now());
        // a set of another chat of the same project does not apply
        ownerHas(user, "chat", projectId, Ids.newId("chat"), body("style", "Grim"), Instant.now());

        assertEquals("You answer in haiku only\n\nStyle: Playful\n\nConstraints:\n- Cite the project docs", systemPromptOf(user, chatId));
        List<Asked> asked = FakeProjectService.askedForChat(chatId);
        assertEquals(1, asked.size());
        assertEquals("Bearer " + user.token(), asked.get(0).authorization(), "the caller's own token went along");
        assertEquals(Map.of("chatId", chatId, "page", "1", "limit", "100"), asked.get(0).query());
    }

    @Test
    @Order(11)
    void aSetTheOwnerNoLongerListsLeavesThePromptAndOnlyThatChatsScopeIsTouched() {
        User user = newUser();
        String chatA = chatOf(user);
        String projectId = projectOf(user, chatA);
        String chatB = createChat(user, projectId, Map.of("model", "fake-gpt"));
        FakeProjectService.chat(chatB, projectId);
        String gone = ownerHas(user, "chat", projectId, chatA, body("role", "Soon deleted"), Instant.now());
        ownerHas(user, "chat", projectId, chatB, body("role", "Of chat B"), Instant.now());
        assertEquals("Soon deleted", systemPromptOf(user, chatA));
        assertEquals("Of chat B", systemPromptOf(user, chatB));

        // deleted at project-service; instruction.deleted is late (or was lost)
        FakeProjectService.forget(gone);
        assertEquals("", systemPromptOf(user, chatA));

        // chat B's set stayed in the read model: with project-service unable to place chat B, B answers from it
        FakeProjectService.forgetChat(chatB);
        assertEquals("Of chat B", systemPromptOf(user, chatB));
    }

    @Test
    @Order(12)
    void anOlderStateNeverUndoesANewerOneWhicheverArrivesFirst() {
        User user = newUser();
        String chatId = chatOf(user);
        String projectId = projectOf(user, chatId);
        Instant t1 = Instant.now().minusSeconds(60);
        Instant t2 = Instant.now().minusSeconds(30);

        // project-service's answer (t2) first, then an older instruction.updated (t1) arriving late
        String set = ownerHas(user, "chat", projectId, chatId, body("role", "Owner's newer role"), t2);
        assertEquals("Owner's newer role", systemPromptOf(user, chatId));
        publishProjectEvent(projectId, "instruction.updated", user.id(),
                instructionEvent(set, user, "chat", projectId, chatId, body("role", "Older role"), t1));
        // a later event on the same key marks that the older one has been applied (or refused)
        String marker = Ids.newId("inst");
        publishProjectEvent(projectId, "instruction.created", user.id(),
                instructionEvent(marker, user, "project", projectId, null, body("constraints", List.of("Marker applied")), Instant.now()));
        FakeProjectService.forgetChat(chatId); // from now on the read model alone answers
        await().atMost(Duration.ofSeconds(20)).until(() -> systemPromptOf(user, chatId).contains("Marker applied"));
        assertEquals("Owner's newer role\n\nConstraints:\n- Marker applied", systemPromptOf(user, chatId));

        // the other way round: the read model holds an event's newer state (t3) when project-service answers an older one (t2)
        Instant t3 = Instant.now().minusSeconds(10);
        publishProjectEvent(projectId, "instruction.updated", user.id(),
                instructionEvent(set, user, "chat", projectId, chatId, body("role", "Event's newest role"), t3));
        await().atMost(Duration.ofSeconds(20)).until(() -> systemPromptOf(user, chatId).startsWith("Event's newest role"));
        FakeProjectService.chat(chatId, projectId);
        FakeProjectService.instruction(user.id(), marker, "project", projectId, null, "append",
                body("constraints", List.of("Marker applied")), Instant.now().toString(), Instant.now().toString());
        FakeProjectService.instruction(user.id(), set, "chat", projectId, chatId, "append", body("role", "Owner's newer role"),
                t1.toString(), t2.toString());
        assertEquals("Event's newest role\n\nConstraints:\n- Marker applied", systemPromptOf(user, chatId));
        assertFalse(FakeProjectService.askedForChat(chatId).isEmpty());
    }

    @Test
    @Order(13)
    void regenerateAndBatchReadTheOwnersSetsToo() {
        User user = newUser();
        String chatId = chatOf(user);
        String projectId = projectOf(user, chatId);
        String marker = "MARK-" + System.nanoTime();
        String answerId = send(user, chatId, "first " + marker).path("answerId").asText();
        assertEquals("", systemPromptFor(marker, 0));
        events.awaitFor(chatId, e -> ChatEvents.has(e, "message.complete", answerId));

        ownerHas(user, "chat", projectId, chatId, body("role", "Set before regenerate"), Instant.now());
        given().auth().oauth2(user.token()).post("/v1/chats/" + chatId + "/messages/" + answerId + "/regenerate")
                .then().statusCode(201);
        assertEquals("Set before regenerate", systemPromptFor(marker, 1));

        ownerHas(user, "global", null, null, body("style", "Set before batch"), Instant.now());
        String batchMarker = "BATCH-" + System.nanoTime();
        given().auth().oauth2(user.token()).contentType(ContentType.JSON)
                .body(Map.of("prompts", List.of(Map.of("content", "batched " + batchMarker)), "mode", "sequential"))
                .post("/v1/chats/" + chatId + "/messages/batch").then().statusCode(202);
        assertEquals("Set before regenerate\n\nStyle: Set before batch", systemPromptFor(batchMarker, 0));
    }

    @Test
    @Order(14)
    void everyPageOfTheOwnersListIsRead() {
        User user = newUser();
        String chatId = chatOf(user);
        Instant created = Instant.now();
        List<String> constraints = new ArrayList<>();
        for (int i = 0; i < 105; i++) {
            String c = String.format("Rule %03d", i);
            constraints.add(c);
            FakeProjectService.instruction(user.id(), String.format("inst_page%03d_%s", i, user.id()), "global", null, null, "append",
                    body("constraints", List.of(c)), created.plusMillis(i).toString(), created.toString());
        }
        assertEquals("Constraints:\n- " + String.join("\n- ", constraints), systemPromptOf(user, chatId));
        assertEquals(List.of("1", "2"), FakeProjectService.askedForChat(chatId).stream().map(a -> a.query().get("page")).toList());
    }

    @Test
    @Order(15)
    void anotherUsersChatIsNotAskedAbout() {
        User user = newUser();
        User stranger = newUser();
        String chatId = chatOf(user);
        given().auth().oauth2(stranger.token()).contentType(ContentType.JSON).body(Map.of("content", "hi"))
                .post("/v1/chats/" + chatId + "/messages")
                .then().statusCode(404).body("error.code", is("NOT_FOUND"));
        assertTrue(FakeProjectService.askedForChat(chatId).isEmpty(), "chat-service owns chats: nothing to ask");
    }

    // --- project-service failing (last: these count against its circuit breaker) ---------------------

    @Test
    @Order(90)
    void theOwnerDownIs503WithRetryAfterNeverAFalse404() {
        User user = newUser();
        String projectId = ownersProject(user);
        FakeProjectService.down(true);
        try {
            String retryAfter = given().auth().oauth2(user.token()).contentType(ContentType.JSON).body("{}")
                    .post("/v1/projects/" + projectId + "/chats")
                    .then().statusCode(503).body("success", is(false)).body("error.code", is("SERVICE_UNAVAILABLE"))
                    .body("error.details.service", is("project-service"))
                    .extract().header("Retry-After");
            assertTrue(Integer.parseInt(retryAfter) > 0, "Retry-After " + retryAfter);
        } finally {
            FakeProjectService.down(false);
        }
        given().auth().oauth2(user.token()).contentType(ContentType.JSON).body("{}")
                .post("/v1/projects/" + projectId + "/chats").then().statusCode(201);
    }

    @Test
    @Order(91)
    void theOwnerDownTheMessageIsAnsweredWithTheLastKnownSets() {
        User user = newUser();
        String chatId = chatOf(user);
        ownerHas(user, "chat", projectOf(user, chatId), chatId, body("role", "Last known role"), Instant.now());
        assertEquals("Last known role", systemPromptOf(user, chatId));
        FakeProjectService.down(true);
        try {
            assertEquals("Last known role", systemPromptOf(user, chatId), "the send is not refused, the known set applies");
        } finally {
            FakeProjectService.down(false);
        }
    }

    @Test
    @Order(92)
    void aSlowOwnerHoldsTheMessageOnlyForItsShortTimeout() {
        User user = newUser();
        String chatId = chatOf(user);
        ownerHas(user, "chat", projectOf(user, chatId), chatId, body("role", "Known before the slowness"), Instant.now());
        assertEquals("Known before the slowness", systemPromptOf(user, chatId));
        ownerHas(user, "chat", projectOf(user, chatId), chatId, body("style", "Never seen in time"), Instant.now());
        FakeProjectService.delay(Duration.ofSeconds(4));
        try {
            long started = System.nanoTime();
            String marker = "SLOW-" + System.nanoTime();
            send(user, chatId, marker);
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMillis < 3500, "the send waited " + tookMillis + " ms");
            assertEquals("Known before the slowness", systemPromptFor(marker, 0));
        } finally {
            FakeProjectService.delay(Duration.ZERO);
        }
    }
}
