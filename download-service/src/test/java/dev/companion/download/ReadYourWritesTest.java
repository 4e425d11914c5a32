package dev.companion.download;

import dev.companion.common.id.Ids;
import dev.companion.testing.FakeOwner;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An image whose image.complete has not reached download-service yet is asked of image-service (and
 * its project's and chat's names of their owners) with the caller's token: it downloads and bundles at
 * once; image-service's no is 404, its absence 503 with Retry-After, never a false 404.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_download"))
@QuarkusTestResource(value = FakeOwner.class, initArgs = @ResourceArg(name = "owners",
        value = "image-service=/v1/images/,project-service=/v1/projects/,chat-service=/v1/chats/"))
class ReadYourWritesTest {

    private static final FakeOwner.Resources IMAGES = FakeOwner.at("/v1/images/");
    private static final FakeOwner.Resources PROJECTS = FakeOwner.at("/v1/projects/");
    private static final FakeOwner.Resources CHATS = FakeOwner.at("/v1/chats/");

    /** An image stored and known to image-service (and its project and chat to their owners) only. */
    private static String ownerOnlyImage(String userId, byte[] png) {
        String imageId = Ids.newId("img");
        String projectId = Ids.newId("proj");
        String chatId = Ids.newId("chat");
        String key = "generations/gen_" + imageId + "/a1/" + imageId + ".png";
        TestData.upload(key, png);
        Map<String, Object> image = new java.util.LinkedHashMap<>(Map.of("format", "png", "size", "64x48", "width", 64,
                "height", 48, "bytes", png.length, "generationId", "img_gen_x", "chatId", chatId, "projectId", projectId));
        image.putAll(Map.of("prompt", "a fox", "createdAt", "2025-01-19T10:00:00Z", "storageKey", key));
        IMAGES.own(imageId, userId, image);
        PROJECTS.own(projectId, userId, Map.of("name", "Fresh Project"));
        CHATS.own(chatId, userId, Map.of("name", "Fresh Chat", "projectId", projectId));
        return imageId;
    }

    @Test
    void anImageOnlyImageServiceKnowsYetDownloadsAndBundlesAtOnce() {
        String user = TestData.userId();
        String token = TestTokens.forUser(user);
        byte[] png = TestData.png(64, 48, 7);
        String imageId = ownerOnlyImage(user, png);

        String fileName = given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("format", "png"))
                .post("/v1/images/" + imageId + "/download").then().statusCode(200).extract().path("data.fileName");
        assertEquals("Fresh Project-2025-01-19-001.png", fileName, "the project's name came from project-service");
        assertEquals(List.of("Bearer " + token), IMAGES.authorizationsFor(imageId), "asked once, with the caller's token");

        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("imageIds", List.of(imageId), "format", "png", "createZip", false, "namingPattern", "{chat}-{index}"))
                .post("/v1/images/download/bulk").then().statusCode(200).body("data.status", is("ready"))
                .body("data.files[0].fileName", is("Fresh Chat-001.png"));
        assertEquals(1, IMAGES.authorizationsFor(imageId).size(), "the bundle was answered from the read model");
        String url = given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("format", "png"))
                .post("/v1/images/" + imageId + "/download").then().statusCode(200).extract().path("data.downloadUrl");
        assertArrayEquals(png, TestData.fetch(url).body(), "the original, read by the storage key image-service gave");
    }

    @Test
    void imageServicesNoIs404AndItsAbsence503WithRetryAfter() {
        String user = TestData.userId();
        String token = TestTokens.forUser(user);
        String someoneElses = ownerOnlyImage(TestData.userId(), TestData.png(16, 16, 1));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("format", "png"))
                .post("/v1/images/" + someoneElses + "/download").then().statusCode(404).body("error.code", is("NOT_FOUND"));

        String mine = ownerOnlyImage(user, TestData.png(16, 16, 2));
        IMAGES.down(true);
        try {
            String retryAfter = given().auth().oauth2(token).contentType(ContentType.JSON)
                    .body(Map.of("imageIds", List.of(mine), "format", "png", "createZip", true))
                    .post("/v1/images/download/bulk").then().statusCode(503).body("error.code", is("SERVICE_UNAVAILABLE"))
                    .extract().header("Retry-After");
            assertTrue(Integer.parseInt(retryAfter) > 0, "Retry-After " + retryAfter);
        } finally {
            IMAGES.down(false);
        }
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("format", "png"))
                .post("/v1/images/" + mine + "/download").then().statusCode(200);
    }
}
