package dev.companion.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.chat.support.ChatTestSupport.User;
import dev.companion.chat.support.FakeImageService;
import dev.companion.chat.support.FakeOpenAiResource;
import dev.companion.chat.support.FakeOpenAiServer.Received;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static dev.companion.chat.MemoriesAndTemplatesTest.sendWith;
import static dev.companion.chat.support.ChatTestSupport.createChat;
import static dev.companion.chat.support.ChatTestSupport.createProject;
import static dev.companion.chat.support.ChatTestSupport.messages;
import static dev.companion.chat.support.ChatTestSupport.newUser;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #18 item 6: attachments reach the model. A library image (image-service asked with the caller's
 * token), an uploaded image and a text file arrive at the OpenAI wire fake as {@code image_url} and
 * {@code text} content parts of the user message, and again with the history; each bad attachment is refused
 * naming {@code attachments[i]}, storing nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_chat"))
@QuarkusTestResource(FakeOpenAiResource.class)
@QuarkusTestResource(FakeImageService.class)
class AttachmentsTest {

    private static final String FAKE = "fake-gpt";

    @Test
    void imagesAndTextFilesArriveAsContentPartsAndStayInTheHistory() throws Exception {
        User user = newUser();
        FakeImageService.Stored library = FakeImageService.addImage(user.id(), 640, 480);
        byte[] uploaded = FakeImageService.png(32, 16);
        String chatId = createChat(user, createProject(user), Map.of("name", "Attachments", "model", FAKE));

        JsonNode prompt = sendWith(user, chatId, Map.of("content", "ATT-1 what is in these?", "attachments", List.of(
                Map.of("imageId", library.id()),
                Map.of("type", "text/plain", "name", "notes.txt", "data", "line one\nline two"),
                Map.of("type", "image/png", "name", "dot.png", "data", Base64.getEncoder().encodeToString(uploaded), "detail", "low"))), 201);
        JsonNode descriptors = prompt.path("attachments");
        assertEquals(library.id(), descriptors.get(0).path("imageId").asText());
        assertEquals(640, descriptors.get(0).path("width").asInt());
        assertEquals("image/png", descriptors.get(0).path("type").asText());
        assertEquals("notes.txt", descriptors.get(1).path("name").asText());
        assertEquals(17, descriptors.get(1).path("chars").asInt());
        assertEquals(32, descriptors.get(2).path("width").asInt());
        assertFalse(descriptors.get(2).has("data"), "the message keeps descriptors, not the payload");
        assertTrue(FakeImageService.authorizations().contains("Bearer " + user.token()), "image-service is asked with the caller's token");
        assertTrue(FakeImageService.objectHosts().contains(FakeImageService.PUBLIC_HOST),
                "the original is read through the storage endpoint with the signed Host: " + FakeImageService.objectHosts());

        await().atMost(Duration.ofSeconds(20)).until(() -> !FakeOpenAiResource.server().receivedFor("ATT-1").isEmpty());
        JsonNode content = lastUser(FakeOpenAiResource.server().receivedFor("ATT-1").get(0)).path("content");
        assertTrue(content.isArray(), "content parts: " + content);
        assertEquals(4, content.size(), content.toString());
        assertEquals("text", content.get(0).path("type").asText());
        assertEquals("ATT-1 what is in these?", content.get(0).path("text").asText());
        assertEquals("image_url", content.get(1).path("type").asText());
        assertArrayEquals(library.bytes(), dataUrlBytes(content.get(1).path("image_url").path("url").asText(), "image/png"));
        assertEquals("auto", content.get(1).path("image_url").path("detail").asText());
        assertEquals("text", content.get(2).path("type").asText());
        assertEquals("Attached file notes.txt (text/plain):\nline one\nline two", content.get(2).path("text").asText());
        assertArrayEquals(uploaded, dataUrlBytes(content.get(3).path("image_url").path("url").asText(), "image/png"));
        assertEquals("low", content.get(3).path("image_url").path("detail").asText());

        // the next turn sends the earlier prompt's parts again, with the history
        await().atMost(Duration.ofSeconds(20)).until(() -> messages(user, chatId).get(1).path("status").asText().equals("complete"));
        sendWith(user, chatId, Map.of("content", "ATT-2 and the second one?"), 201);
        await().atMost(Duration.ofSeconds(20)).until(() -> !FakeOpenAiResource.server().receivedFor("ATT-2").isEmpty());
        JsonNode history = FakeOpenAiResource.server().receivedFor("ATT-2").get(0).messages();
        JsonNode first = null;
        for (JsonNode m : history) {
            if ("user".equals(m.path("role").asText()) && m.path("content").isArray()) {
                first = m;
            }
        }
        assertTrue(first != null && first.path("content").size() == 4, history.toString());
        assertEquals("ATT-2 and the second one?", lastUser(FakeOpenAiResource.server().receivedFor("ATT-2").get(0)).path("content").asText());
    }

    @Test
    void eachBadAttachmentIsRefusedNamingItsIndexAndNothingIsStored() {
        User user = newUser();
        User other = newUser();
        FakeImageService.Stored foreign = FakeImageService.addImage(other.id(), 10, 10);
        FakeImageService.Stored huge = FakeImageService.addImage(user.id(), 1200, 1000);
        String projectId = createProject(user);
        String chatId = createChat(user, projectId, Map.of("name", "Refusals", "model", FAKE));
        String textOnly = createChat(user, projectId, Map.of("name", "No vision", "model", "fake-nokeys"));
        Map<String, Object> text = Map.of("type", "text/markdown", "data", "# ok");
        String png = Base64.getEncoder().encodeToString(FakeImageService.png(4, 4));

        refused(user, chatId, List.of(text, Map.of("imageId", foreign.id())), 404, "attachments[1]", null);
        refused(user, chatId, List.of(Map.of("imageId", "img_nothere")), 404, "attachments[0]", null);
        refused(user, chatId, List.of(text, Map.of("type", "application/pdf", "data", "JVBERi0=")), 400, "attachments[1]", "type");
        refused(user, chatId, List.of(Map.of("type", "image/png", "data", "%%% not base64")), 400, "attachments[0]", "base64");
        refused(user, chatId, List.of(Map.of("type", "image/png", "data",
                Base64.getEncoder().encodeToString(FakeImageService.jpeg(4, 4)))), 400, "attachments[0]", "type");
        refused(user, chatId, List.of(Map.of("type", "text/plain", "data", "x".repeat(1001))), 400, "attachments[0]", "maxLength");
        refused(user, chatId, List.of(Map.of("imageId", huge.id())), 400, "attachments[0]", "maxPixels");
        refused(user, chatId, List.of(Map.of("name", "no type")), 400, "attachments[0]", "type");
        refused(user, chatId, List.of(text, text, Map.of("type", "text/plain")), 400, "attachments[2]", "data");
        refused(user, textOnly, List.of(text, Map.of("type", "image/png", "data", png)), 400, "attachments[1]", "visionModel");
        assertEquals(0, messages(user, chatId).size(), "nothing was stored");
        assertEquals(0, messages(user, textOnly).size());

        // a text file is fine for a model without vision
        sendWith(user, textOnly, Map.of("content", "read this", "attachments", List.of(text)), 201);
    }

    private static void refused(User user, String chatId, List<Object> attachments, int status, String field, String constraint) {
        var r = given().auth().oauth2(user.token()).contentType(ContentType.JSON)
                .body(Map.of("content", "look", "attachments", attachments))
                .post("/v1/chats/" + chatId + "/messages").then().statusCode(status)
                .body("success", is(false)).body("error.details.field", is(field));
        if (constraint != null) {
            r.body("error.code", is("VALIDATION_ERROR")).body("error.details.constraint", is(constraint));
        } else {
            r.body("error.code", is("NOT_FOUND"));
        }
    }

    private static JsonNode lastUser(Received r) {
        JsonNode last = null;
        for (JsonNode m : r.messages()) {
            if ("user".equals(m.path("role").asText())) {
                last = m;
            }
        }
        return last;
    }

    private static byte[] dataUrlBytes(String url, String type) {
        String prefix = "data:" + type + ";base64,";
        assertTrue(url.startsWith(prefix), url.substring(0, Math.min(40, url.length())));
        return Base64.getDecoder().decode(url.substring(prefix.length()));
    }
}
