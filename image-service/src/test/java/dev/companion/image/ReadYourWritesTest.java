package dev.companion.image;

import dev.companion.common.id.Ids;
import dev.companion.testing.FakeOwner;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

import static dev.companion.image.ImageTestSupport.queryLong;
import static dev.companion.image.ImageTestSupport.queryString;
import static dev.companion.image.ImageTestSupport.user;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A chat image-service's read model has not seen yet (chat.created on its way) is asked of chat-service
 * with the caller's token: its yes queues the generation and fills the read model, its no is 404, its
 * absence 503 with Retry-After, never a false 404.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_image"))
@QuarkusTestResource(value = FakeOwner.class, initArgs = {
        @ResourceArg(name = "client", value = "chat-service"), @ResourceArg(name = "path", value = "/v1/chats/")})
class ReadYourWritesTest {

    private static final FakeOwner.Resources CHATS = FakeOwner.at("/v1/chats/");

    private static String generate(String token, String chatId, int status) {
        return given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("prompt", "A lighthouse", "chatId", chatId, "options", Map.of("model", "offline-art", "n", 1)))
                .post("/v1/images/generate").then().statusCode(status).extract().header("Retry-After");
    }

    @Test
    void aChatOnlyTheOwnerKnowsYetTakesAGenerationAtOnce() throws Exception {
        String alice = user();
        String token = TestTokens.forUser(alice);
        String chatId = Ids.newId("chat");
        String projectId = Ids.newId("proj");
        CHATS.own(chatId, alice, Map.of("projectId", projectId, "name", "Logos"));
        generate(token, chatId, 201);
        assertEquals(List.of("Bearer " + token), CHATS.authorizationsFor(chatId), "asked once, with the caller's token");
        assertEquals(1, queryLong("SELECT count(*) FROM chat_ref WHERE chat_id = ? AND project_id = '" + projectId + "'", chatId));
        given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("prompt", "Again", "chatId", chatId)).post("/v1/images/generate").then().statusCode(201);
        assertEquals(1, CHATS.authorizationsFor(chatId).size(), "the second request is answered by the read model");
    }

    @Test
    void anAnalysisCanNameAChatOnlyTheOwnerKnows() throws Exception {
        String carol = user();
        String token = TestTokens.forUser(carol);
        String chatId = Ids.newId("chat");
        String projectId = Ids.newId("proj");
        CHATS.own(chatId, carol, Map.of("projectId", projectId, "name", "Photos"));
        byte[] png = AnalysisTest.encode(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "png");
        given().auth().oauth2(token).multiPart("image", "p.png", png, "image/png").multiPart("chatId", chatId)
                .post("/v1/images/analyze").then().statusCode(200).body("data.provider", is("offline-analyzer"));
        assertEquals(List.of("Bearer " + token), CHATS.authorizationsFor(chatId));
        assertEquals(carol, queryString("SELECT user_id FROM chat_ref WHERE chat_id = ?", chatId));
        assertEquals(projectId, queryString("SELECT project_id FROM chat_ref WHERE chat_id = ?", chatId));
    }

    @Test
    void theOwnersNoIs404AndItsAbsence503WithRetryAfter() throws Exception {
        String bob = user();
        String token = TestTokens.forUser(bob);
        String someoneElsesChat = Ids.newId("chat");
        CHATS.own(someoneElsesChat, user(), Map.of("projectId", Ids.newId("proj")));
        generate(token, someoneElsesChat, 404);
        given().auth().oauth2(token).multiPart("imageId", "img_x").multiPart("chatId", Ids.newId("chat"))
                .post("/v1/images/analyze").then().statusCode(404).body("error.code", is("NOT_FOUND"))
                .body("error.details.resource", is("chat"));
        assertEquals(0, queryLong("SELECT count(*) FROM chat_ref WHERE chat_id = ?", someoneElsesChat));

        String mine = Ids.newId("chat");
        CHATS.own(mine, bob, Map.of("projectId", Ids.newId("proj")));
        CHATS.down(true);
        try {
            String retryAfter = generate(token, mine, 503);
            assertTrue(Integer.parseInt(retryAfter) > 0, "Retry-After " + retryAfter);
        } finally {
            CHATS.down(false);
        }
        generate(token, mine, 201);
    }
}
