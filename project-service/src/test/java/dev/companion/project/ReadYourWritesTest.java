package dev.companion.project;

import dev.companion.common.id.Ids;
import dev.companion.testing.FakeOwner;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A chat project-service's read model has not seen yet (chat.created on its way) is asked of
 * chat-service with the caller's token: a chat-scoped instruction set attaches to it at once and the
 * project counts it; the owner's no is 404, its absence 503 with Retry-After, never a false 404.
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

    @Test
    void aChatOnlyTheOwnerKnowsYetTakesAChatScopedSetAtOnce() {
        TestUsers u = TestUsers.fresh();
        String projectId = project(u);
        String chatId = Ids.newId("chat");
        CHATS.own(chatId, u.id(), Map.of("projectId", projectId, "name", "Just created", "createdAt", Instant.now().toString()));
        u.api().body(chatSet(chatId)).post("/v1/instructions")
                .then().statusCode(201).body("data.chatId", is(chatId)).body("data.projectId", is(projectId));
        assertEquals(List.of("Bearer " + u.token()), CHATS.authorizationsFor(chatId), "asked once, with the caller's token");
        u.api().get("/v1/projects/" + projectId).then().statusCode(200).body("data.chatCount", is(1));
        u.api().queryParam("chatId", chatId).get("/v1/instructions/effective").then().statusCode(200)
                .body("data.layers.size()", is(1));
        assertEquals(1, CHATS.authorizationsFor(chatId).size(), "later calls are answered by the read model");
    }

    @Test
    void theOwnersNoIs404AndItsAbsence503WithRetryAfter() {
        TestUsers u = TestUsers.fresh();
        String someoneElses = Ids.newId("chat");
        CHATS.own(someoneElses, TestUsers.fresh().id(), Map.of("projectId", Ids.newId("proj")));
        u.api().body(chatSet(someoneElses)).post("/v1/instructions").then().statusCode(404).body("error.code", is("NOT_FOUND"));

        String mine = Ids.newId("chat");
        CHATS.own(mine, u.id(), Map.of("projectId", project(u), "createdAt", Instant.now().toString()));
        CHATS.down(true);
        try {
            String retryAfter = u.api().body(chatSet(mine)).post("/v1/instructions").then().statusCode(503)
                    .body("error.code", is("SERVICE_UNAVAILABLE")).extract().header("Retry-After");
            assertTrue(Integer.parseInt(retryAfter) > 0, "Retry-After " + retryAfter);
        } finally {
            CHATS.down(false);
        }
        u.api().body(chatSet(mine)).post("/v1/instructions").then().statusCode(201);
    }
}
