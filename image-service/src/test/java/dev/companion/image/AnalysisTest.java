package dev.companion.image;

import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static dev.companion.image.ImageTestSupport.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.*;

@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_image"))
@QuarkusTestResource(FakeOpenAiResource.class)
class AnalysisTest {

    @Test
    void offlineAnalyzerReportsMeasuredFacts() throws Exception {
        // 300x200: left two thirds red, right third blue
        BufferedImage img = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(230, 20, 20));
        g.fillRect(0, 0, 200, 200);
        g.setColor(new Color(20, 40, 230));
        g.fillRect(200, 0, 100, 200);
        g.dispose();
        JsonPath res = given().auth().oauth2(TestTokens.forUser(user()))
                .multiPart("image", "photo.jpg", encode(img, "png"), "image/jpeg")
                .multiPart("question", "What architectural style is shown in this image?")
                .multiPart("options", "{\"detailLevel\":\"expert\",\"focus\":\"colors\",\"outputFormat\":\"both\"}")
                .post("/v1/images/analyze").then().statusCode(200).extract().jsonPath();
        assertTrue(res.getString("data.id").startsWith("img_analysis_"));
        assertEquals("offline-analyzer", res.getString("data.provider"));
        assertEquals(300, res.getInt("data.analysis.structuredData.width"));
        assertEquals(200, res.getInt("data.analysis.structuredData.height"));
        assertEquals("png", res.getString("data.analysis.structuredData.format")); // by content, not by the .jpg name
        assertEquals("landscape", res.getString("data.analysis.structuredData.orientation"));
        List<String> names = res.getList("data.analysis.structuredData.dominantColors.name");
        assertEquals("red", names.get(0));
        assertTrue(names.contains("blue"));
        assertEquals(0.667, res.getDouble("data.analysis.structuredData.dominantColors[0].share"), 0.01);
        assertFalse(res.getBoolean("data.analysis.structuredData.questionAnswered"));
        assertTrue(res.getString("data.analysis.description").contains("cannot answer"));
        assertTrue(res.getDouble("data.analysis.structuredData.contrast") > 0);
        assertEquals(1.0, res.getDouble("data.analysis.confidence"));

        given().auth().oauth2(TestTokens.forUser(user()))
                .multiPart("image", "p.png", encode(img, "jpeg"), "image/png")
                .multiPart("options", "{\"detailLevel\":\"basic\",\"outputFormat\":\"description\"}")
                .post("/v1/images/analyze").then().statusCode(200)
                .body("data.analysis.structuredData", nullValue())
                .body("data.analysis.description", containsString("JPEG"));
    }

    @Test
    void visionProviderGetsTheImageAndAnswersInTheSeedShape() throws Exception {
        BufferedImage img = new BufferedImage(120, 80, BufferedImage.TYPE_INT_RGB);
        JsonPath res = given().auth().oauth2(TestTokens.forUser(user()))
                .multiPart("image", "building.png", encode(img, "png"), "image/png")
                .multiPart("question", "What architectural style is shown in this image?")
                .multiPart("options", "{\"detailLevel\":\"detailed\",\"focus\":\"architecture\",\"outputFormat\":\"structured\",\"provider\":\"openai\"}")
                .post("/v1/images/analyze").then().statusCode(200).extract().jsonPath();
        assertEquals(0.92, res.getDouble("data.analysis.confidence"), 1e-9);
        assertEquals(120, res.getInt("data.analysis.structuredData.width"));
        assertEquals(List.of("Glass facade", "Clean lines"), res.getList("data.analysis.structuredData.features"));
        assertTrue(res.getString("data.analysis.description").contains("120 by 80"));
        assertTrue(res.getString("data.provider").startsWith("openai:"));
        var sent = FakeOpenAiResource.CHAT_REQUESTS.get(FakeOpenAiResource.CHAT_REQUESTS.size() - 1);
        assertEquals("What architectural style is shown in this image?", sent.path("messages").path(1).path("content").path(0).path("text").asText());
        assertTrue(sent.path("messages").path(0).path("content").asText().contains("architecture"));
    }

    @Test
    void storedImageCanBeAnalysedByIdButNotByAnotherUser() throws Exception {
        String owner = TestTokens.forUser(user());
        String id = generate(owner, "{\"prompt\":\"Analyse me\"}").getString("data.id");
        String imageId = awaitStatus(owner, id, "completed", 60).getString("data.images[0].id");
        given().auth().oauth2(owner).multiPart("imageId", imageId).post("/v1/images/analyze").then().statusCode(200)
                .body("data.imageId", is(imageId))
                .body("data.analysis.structuredData.width", is(1024))
                .body("data.analysis.structuredData.format", is("png"));
        given().auth().oauth2(TestTokens.forUser(user())).multiPart("imageId", imageId).post("/v1/images/analyze")
                .then().statusCode(404).body("error.code", is("NOT_FOUND"));
    }

    @Test
    void fakeTypesOversizeAndBombsAreRefused() throws Exception {
        String token = TestTokens.forUser(user());
        // a text file called .png
        given().auth().oauth2(token).multiPart("image", "cat.png", "this is not an image".getBytes(StandardCharsets.UTF_8), "image/png")
                .post("/v1/images/analyze").then().statusCode(400)
                .body("error.code", is("VALIDATION_ERROR")).body("error.details.field", is("image"))
                .body("error.details.constraint", is("imageType"));
        // a PNG signature followed by garbage
        byte[] truncated = new byte[64];
        System.arraycopy(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, 0, truncated, 0, 8);
        given().auth().oauth2(token).multiPart("image", "x.png", truncated, "image/png")
                .post("/v1/images/analyze").then().statusCode(400).body("error.details.constraint", is("imageType"));
        // over the byte limit (2 MB in tests)
        given().auth().oauth2(token).multiPart("image", "big.png", new byte[2_100_000], "image/png")
                .post("/v1/images/analyze").then().statusCode(413)
                .body("error.code", is("PAYLOAD_TOO_LARGE")).body("error.details.constraint", is("maxBytes"));
        // a tiny file that claims 50000x50000 pixels: refused from its header, never decoded
        byte[] bomb = pngHeaderOnly(50_000, 50_000);
        assertTrue(bomb.length < 2000);
        given().auth().oauth2(token).multiPart("image", "bomb.png", bomb, "image/png")
                .post("/v1/images/analyze").then().statusCode(413)
                .body("error.details.constraint", is("maxPixels")).body("error.details.value", is(40_000_000));
        // neither file nor id; bad options
        given().auth().oauth2(token).multiPart("question", "hi").post("/v1/images/analyze").then().statusCode(400)
                .body("error.details.field", is("image"));
        given().auth().oauth2(token).multiPart("image", "a.png", encode(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png"), "image/png")
                .multiPart("options", "{\"focus\":\"faces\"}").post("/v1/images/analyze").then().statusCode(400)
                .body("error.details.field", is("options.focus")).body("error.details.constraint", is("enum"));
        given().auth().oauth2(token).multiPart("image", "a.png", encode(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png"), "image/png")
                .multiPart("chatId", "chat_nobodys").post("/v1/images/analyze").then().statusCode(404);
    }

    static byte[] encode(BufferedImage img, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, format, out);
        return out.toByteArray();
    }

    /** A valid PNG signature and IHDR for a huge greyscale image, then a few compressed zero rows and IEND. */
    static byte[] pngHeaderOnly(int w, int h) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(ihdr);
        d.writeInt(w);
        d.writeInt(h);
        d.writeByte(1); // bit depth
        d.writeByte(0); // greyscale
        d.writeByte(0);
        d.writeByte(0);
        d.writeByte(0);
        chunk(out, "IHDR", ihdr.toByteArray());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[(w / 8 + 1) * 4]);
        deflater.finish();
        byte[] buf = new byte[4096];
        int n = deflater.deflate(buf);
        chunk(out, "IDAT", java.util.Arrays.copyOf(buf, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws Exception {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(data.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }
}
