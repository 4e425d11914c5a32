package dev.companion.download;

import dev.companion.download.repository.BlockingDb;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Iterator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_download"))
class SingleDownloadTest {

    @Inject
    BlockingDb db;

    String owner;
    String token;
    TestData.Seeded image;

    @BeforeEach
    void seed() {
        owner = TestData.userId();
        token = TestTokens.forUser(owner);
        TestData.project(db, owner, "proj_" + owner, "Space Art");
        image = TestData.image(db, owner, "proj_" + owner, null, "a red fox", Instant.parse("2025-01-19T10:00:00Z"), 320, 200);
    }

    private ExtractableResponse<Response> download(String body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body)
                .post("/v1/images/" + image.id() + "/download").then().extract();
    }

    private static String formatName(byte[] bytes) throws Exception {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            return readers.hasNext() ? readers.next().getFormatName().toLowerCase() : "none";
        }
    }

    @Test
    void pngKeepsTheOriginalAndAnswersTheSeedShape() {
        ExtractableResponse<Response> r = download("{\"format\":\"png\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.jsonPath().getBoolean("success")).isTrue();
        assertThat(r.jsonPath().getString("data.format")).isEqualTo("png");
        assertThat(r.jsonPath().getString("data.expiresAt")).endsWith("Z");
        assertThat(Instant.parse(r.jsonPath().getString("data.expiresAt"))).isAfter(Instant.now().plusSeconds(3500));
        assertThat(r.jsonPath().getString("data.fileName")).isEqualTo("Space Art-2025-01-19-001.png");
        HttpResponse<byte[]> file = TestData.fetch(r.jsonPath().getString("data.downloadUrl"));
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).isEqualTo(image.png());
        assertThat(r.jsonPath().getLong("data.size")).isEqualTo(image.png().length);
        assertThat(file.headers().firstValue("Content-Disposition").orElse(""))
                .startsWith("attachment; filename=\"Space Art-2025-01-19-001.png\"");
    }

    @Test
    void jpegQualityChangesTheBytesAndKeepsTheSize() throws Exception {
        ExtractableResponse<Response> low = download("{\"format\":\"jpg\",\"quality\":10}");
        ExtractableResponse<Response> high = download("{\"format\":\"jpg\",\"quality\":95}");
        assertThat(low.statusCode()).isEqualTo(200);
        byte[] lowBytes = TestData.fetch(low.jsonPath().getString("data.downloadUrl")).body();
        byte[] highBytes = TestData.fetch(high.jsonPath().getString("data.downloadUrl")).body();
        assertThat(formatName(lowBytes)).isEqualTo("jpeg");
        assertThat(formatName(highBytes)).isEqualTo("jpeg");
        assertThat(lowBytes.length).isLessThan(highBytes.length);
        assertThat(low.jsonPath().getLong("data.size")).isEqualTo(lowBytes.length);
        BufferedImage decoded = TestData.decode(highBytes);
        assertThat(decoded.getWidth()).isEqualTo(320);
        assertThat(decoded.getHeight()).isEqualTo(200);
        assertThat(low.jsonPath().getString("data.format")).isEqualTo("jpg");
    }

    @Test
    void webpIsRealWebpAndHonoursQuality() throws Exception {
        ExtractableResponse<Response> low = download("{\"format\":\"webp\",\"quality\":5}");
        ExtractableResponse<Response> high = download("{\"format\":\"webp\",\"quality\":100}");
        byte[] lowBytes = TestData.fetch(low.jsonPath().getString("data.downloadUrl")).body();
        byte[] highBytes = TestData.fetch(high.jsonPath().getString("data.downloadUrl")).body();
        assertThat(new String(highBytes, 0, 4)).isEqualTo("RIFF");
        assertThat(new String(highBytes, 8, 4)).isEqualTo("WEBP");
        assertThat(lowBytes.length).isLessThan(highBytes.length);
        BufferedImage decoded = TestData.decode(highBytes);
        assertThat(decoded.getWidth()).isEqualTo(320);
        assertThat(decoded.getHeight()).isEqualTo(200);
        assertThat(high.jsonPath().getString("data.fileName")).endsWith(".webp");
    }

    @Test
    void resizeWithOneBoundKeepsTheAspectRatio() {
        ExtractableResponse<Response> r = download("{\"format\":\"png\",\"width\":160}");
        BufferedImage img = TestData.decode(TestData.fetch(r.jsonPath().getString("data.downloadUrl")).body());
        assertThat(img.getWidth()).isEqualTo(160);
        assertThat(img.getHeight()).isEqualTo(100);

        r = download("{\"format\":\"webp\",\"height\":50}");
        img = TestData.decode(TestData.fetch(r.jsonPath().getString("data.downloadUrl")).body());
        assertThat(img.getWidth()).isEqualTo(80);
        assertThat(img.getHeight()).isEqualTo(50);
    }

    @Test
    void resizeWithTwoBoundsGivesExactlyThat() {
        ExtractableResponse<Response> r = download("{\"format\":\"jpg\",\"quality\":80,\"width\":64,\"height\":64}");
        BufferedImage img = TestData.decode(TestData.fetch(r.jsonPath().getString("data.downloadUrl")).body());
        assertThat(img.getWidth()).isEqualTo(64);
        assertThat(img.getHeight()).isEqualTo(64);
    }

    @Test
    void anotherUsersImageIsNotFound() {
        String stranger = TestData.userId();
        given().auth().oauth2(TestTokens.forUser(stranger)).contentType(ContentType.JSON).body("{\"format\":\"png\"}")
                .post("/v1/images/" + image.id() + "/download")
                .then().statusCode(404).body("error.code", is("NOT_FOUND"));
        given().auth().oauth2(TestTokens.forUser(stranger)).get("/v1/downloads/history")
                .then().statusCode(200).body("data.pagination.total", is(0));
    }

    @Test
    void badInputIsAFieldLevelValidationError() {
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"format\":\"bmp\"}")
                .post("/v1/images/" + image.id() + "/download")
                .then().statusCode(400).body("error.code", is("VALIDATION_ERROR"))
                .body("error.details.field", is("format")).body("error.details.constraint", is("pattern"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"quality\":0}")
                .post("/v1/images/" + image.id() + "/download")
                .then().statusCode(400).body("error.details.field", is("quality"))
                .body("error.details.constraint", is("min")).body("error.details.value", is(1));
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"width\":5000}")
                .post("/v1/images/" + image.id() + "/download")
                .then().statusCode(400).body("error.details.field", is("width"))
                .body("error.details.constraint", is("max")).body("error.details.value", is(4096));
        given().auth().oauth2(token).get("/v1/downloads/history")
                .then().statusCode(200).body("data.pagination.total", is(0));
    }

    @Test
    void withoutATokenIsUnauthorized() {
        given().contentType(ContentType.JSON).body("{}").post("/v1/images/" + image.id() + "/download")
                .then().statusCode(401).body("error.code", is("UNAUTHORIZED")).body("requestId", notNullValue());
    }
}
