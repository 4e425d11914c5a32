package dev.companion.system;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.infra.LocalStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed's flows with no client-side waiting: each call uses what the call before it created, at
 * once, through the gateway. A service whose read model has not yet seen the resource asks its owner,
 * so nothing answers 404 for a resource the user has just made; an owner that is down answers 503
 * with Retry-After, never a false 404. No retries in this client.
 */
@ExtendWith(SystemStack.class)
class ReadYourWritesIT {

    private static final int ROUNDS = 50;

    private static void created(ApiClient.Result r, String what) {
        assertEquals(201, r.status(), what + ": " + r.raw());
    }

    @Test
    void projectChatChatInstructionAndMessageBackToBack(ApiClient anonymous) {
        // five users share the rounds so that the seed's per-user limits (100 project calls per hour) hold
        List<Login.User> users = List.of(Login.newUser(anonymous, "ryw1"), Login.newUser(anonymous, "ryw2"),
                Login.newUser(anonymous, "ryw3"), Login.newUser(anonymous, "ryw4"), Login.newUser(anonymous, "ryw5"));
        for (int round = 0; round < ROUNDS; round++) {
            ApiClient api = users.get(round % users.size()).api();
            ApiClient.Result project = api.post("/v1/projects", Map.of("name", "Round " + round));
            created(project, "project");
            String projectId = project.data().path("id").asText();

            ApiClient.Result chat = api.post("/v1/projects/" + projectId + "/chats", Map.of("name", "Chat " + round));
            created(chat, "chat right after its project (round " + round + ")");
            String chatId = chat.data().path("id").asText();

            ApiClient.Result instruction = api.post("/v1/instructions", Map.of("name", "Voice " + round, "scope", "chat",
                    "chatId", chatId, "instructions", Map.of("style", "Terse")));
            created(instruction, "chat-scoped instruction right after its chat (round " + round + ")");
            assertEquals(projectId, instruction.data().path("projectId").asText());

            ApiClient.Result sent = api.post("/v1/chats/" + chatId + "/messages", Map.of("content", "Hello " + round));
            assertTrue(sent.status() == 200 || sent.status() == 201 || sent.status() == 202, "message (round " + round + "): " + sent.raw());

            ApiClient.Result listed = api.get("/v1/projects/" + projectId + "/chats");
            assertEquals(200, listed.status(), listed.raw());
        }
    }

    @Test
    void anImageIsDownloadableAndBundledTheMomentItCompletes(ApiClient anonymous) {
        Login.User user = Login.newUser(anonymous, "ryw-images");
        ApiClient.Result project = user.api().post("/v1/projects", Map.of("name", "Pictures"));
        created(project, "project");
        ApiClient.Result chat = user.api().post("/v1/projects/" + project.data().path("id").asText() + "/chats", Map.of("name", "Pictures"));
        created(chat, "chat");
        String chatId = chat.data().path("id").asText();
        try (EventSocket socket = user.api().connect()) {
            for (int round = 0; round < 5; round++) {
                // a fresh chatId straight away: image-service asks chat-service if chat.created is still on its way
                ApiClient.Result requested = user.api().post("/v1/images/generate", Map.of("prompt", "A lighthouse at dawn " + round,
                        "chatId", chatId, "options", Map.of("size", "1024x1024", "n", 1)));
                assertTrue(requested.status() < 300, requested.raw());
                String gen = requested.data().path("id").asText();
                JsonNode complete = socket.await(m -> "image.complete".equals(m.path("type").asText())
                        && gen.equals(m.path("generationId").asText()), Duration.ofSeconds(90));
                String imageId = complete.path("images").get(0).path("id").asText();

                ApiClient.Result single = user.api().post("/v1/images/" + imageId + "/download", Map.of("format", "jpg"));
                assertEquals(200, single.status(), "download the moment image.complete arrived (round " + round + "): " + single.raw());
                ApiClient.Result bulk = user.api().post("/v1/images/download/bulk", Map.of("imageIds", List.of(imageId),
                        "format", "png", "createZip", true));
                assertEquals(200, bulk.status(), "bundle the moment image.complete arrived (round " + round + "): " + bulk.raw());
            }
        }
    }

    @Test
    void anOwnerThatIsDownAnswers503WithRetryAfterNeverAFalse404(LocalStack stack, ApiClient anonymous) throws Exception {
        Login.User user = Login.newUser(anonymous, "ryw-outage");
        // an id chat-service's read model has never seen: only project-service can say whether it exists
        String unknown = "proj_01jzzzzzzzzzzzzzzzzzzzzzzz";
        stack.stopService("project-service");
        try {
            ApiClient.Result down = user.api().post("/v1/projects/" + unknown + "/chats", Map.of("name", "x"));
            assertEquals(503, down.status(), down.raw());
            assertEquals("SERVICE_UNAVAILABLE", down.errorCode());
            assertTrue(Integer.parseInt(down.header("Retry-After")) > 0, "Retry-After tells the client when to come back");
        } finally {
            stack.startService("project-service");
            stack.awaitReady("project-service", Duration.ofSeconds(180));
        }
        // with the owner back, its "no" is the answer
        ApiClient.Result missing = user.api().post("/v1/projects/" + unknown + "/chats", Map.of("name", "x"));
        assertEquals(404, missing.status(), missing.raw());
        assertEquals("NOT_FOUND", missing.errorCode());
    }
}
