package dev.companion.system;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The extension's image flows through the gateway and its socket: request a generation, follow it
 * live, fetch the stored image from its URL, then download it converted and as a zip bundle.
 */
@ExtendWith(SystemStack.class)
class ImageDownloadFlowIT {

    private static byte[] fetch(ApiClient api, String url) throws Exception {
        HttpResponse<byte[]> r = api.http().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), "GET " + url);
        return r.body();
    }

    @Test
    void generateFollowLiveThenDownloadSingleAndBundled(ApiClient anonymous) throws Exception {
        Login.User user = Login.newUser(anonymous, "artist");
        Login.User other = Login.newUser(anonymous, "other");
        JsonNode complete;
        String generationId;
        try (EventSocket socket = user.api().connect()) {
            ApiClient.Result requested = user.api().post("/v1/images/generate", Map.of(
                    "prompt", "A minimalist logo for a tech startup, blue and white colors, modern design",
                    "options", Map.of("size", "1792x1024", "quality", "standard", "style", "natural", "n", 2)));
            assertTrue(requested.status() < 300, requested.raw());
            generationId = requested.data().path("id").asText();
            assertTrue(generationId.startsWith("img_gen_"), generationId);
            assertEquals("processing", requested.data().path("status").asText());
            assertNotNull(requested.data().get("queuePosition"));
            assertNotNull(requested.data().get("estimatedTime"));

            String gen = generationId;
            socket.await(m -> "image.progress".equals(m.path("type").asText()) && gen.equals(m.path("generationId").asText()), Duration.ofSeconds(90));
            complete = socket.await(m -> "image.complete".equals(m.path("type").asText()) && gen.equals(m.path("generationId").asText()), Duration.ofSeconds(90));
            assertEquals(2, complete.path("images").size(), complete.toString());
        }
        assertEquals(404, other.api().get("/v1/images/generate/" + generationId).status(), "another user's generation is hidden");

        ApiClient.Result status = user.api().get("/v1/images/generate/" + generationId);
        assertEquals("completed", status.data().path("status").asText(), status.raw());
        List<String> imageIds = new ArrayList<>();
        for (JsonNode image : status.data().path("images")) {
            imageIds.add(image.path("id").asText());
            BufferedImage original = ImageIO.read(new ByteArrayInputStream(fetch(anonymous, image.path("url").asText())));
            assertEquals(1792, original.getWidth());
            assertEquals(1024, original.getHeight());
            BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(fetch(anonymous, image.path("thumbnailUrl").asText())));
            assertEquals(256, Math.max(thumb.getWidth(), thumb.getHeight()));
        }
        ApiClient.Result listed = user.api().get("/v1/images");
        assertEquals(200, listed.status(), listed.raw());
        assertTrue(listed.raw().contains(imageIds.get(0)));

        // single download: converted to JPEG, resized by one bound (aspect kept)
        String first = imageIds.get(0);
        // at once: download-service asks image-service if image.complete has not reached its read model yet
        ApiClient.Result single = user.api().post("/v1/images/" + first + "/download", Map.of("format", "jpg", "quality", 80, "width", 896));
        assertEquals(200, single.status(), single.raw());
        assertEquals("jpg", single.data().path("format").asText());
        assertNotNull(single.data().get("expiresAt"));
        byte[] jpg = fetch(anonymous, single.data().path("downloadUrl").asText());
        assertEquals(single.data().path("size").asLong(), jpg.length);
        assertArrayEquals(new byte[]{(byte) 0xFF, (byte) 0xD8}, java.util.Arrays.copyOf(jpg, 2), "a JPEG");
        BufferedImage resized = ImageIO.read(new ByteArrayInputStream(jpg));
        assertEquals(896, resized.getWidth());
        assertEquals(512, resized.getHeight());

        assertEquals(404, other.api().post("/v1/images/" + first + "/download", Map.of("format", "png")).status());

        // bulk: a zip with one entry per image, named by the pattern
        ApiClient.Result bulk = user.api().post("/v1/images/download/bulk", Map.of("imageIds", imageIds, "format", "png",
                "createZip", true, "folderStructure", "flat", "namingPattern", "{date}-{index}"));
        assertEquals(200, bulk.status(), bulk.raw());
        assertEquals(2, bulk.data().path("fileCount").asInt(), bulk.raw());
        assertEquals("ready", bulk.data().path("status").asText(), bulk.raw());
        List<String> names = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(fetch(anonymous, bulk.data().path("downloadUrl").asText())))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                names.add(e.getName());
                BufferedImage img = ImageIO.read(new ByteArrayInputStream(zip.readAllBytes()));
                assertEquals(1792, img.getWidth(), e.getName());
            }
        }
        assertEquals(2, names.size(), names.toString());
        assertTrue(names.stream().allMatch(n -> n.matches("[^/]+-\\d+\\.png")), names.toString());

        List<String> mixed = new ArrayList<>(imageIds);
        mixed.add("img_01aaaaaaaaaaaaaaaaaaaaaaaa");
        assertEquals(404, user.api().post("/v1/images/download/bulk", Map.of("imageIds", mixed, "format", "png", "createZip", true)).status());

        ApiClient.Result history = user.api().get("/v1/downloads/history?page=1&limit=20");
        assertEquals(200, history.status(), history.raw());
        assertEquals(2, history.data().path("downloads").size(), history.raw());
        assertEquals(2, history.data().path("pagination").path("total").asInt());
    }
}
