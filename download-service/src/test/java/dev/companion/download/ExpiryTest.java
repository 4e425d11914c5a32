package dev.companion.download;

import dev.companion.download.repository.BlockingDb;
import dev.companion.download.service.ExpirySweeper;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Links live for {@code link-ttl}; after that they stop working and the sweeper deletes the objects. */
@QuarkusTest
@TestProfile(ExpiryTest.ShortLinks.class)
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_download"))
class ExpiryTest {

    public static class ShortLinks implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("companion.download.link-ttl", "PT10S");
        }
    }

    @Inject
    BlockingDb db;

    @Inject
    ExpirySweeper sweeper;

    @Test
    void expiredLinksStopWorkingAndTheirObjectsAreDeleted() throws InterruptedException {
        String user = TestData.userId();
        String token = TestTokens.forUser(user);
        TestData.Seeded image = TestData.image(db, user, null, null, "p", Instant.now(), 16, 16);
        JsonPath single = given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"format\":\"jpg\"}")
                .post("/v1/images/" + image.id() + "/download").then().statusCode(200).extract().jsonPath();
        String url = single.getString("data.downloadUrl");
        assertThat(TestData.fetch(url).statusCode()).isEqualTo(200);
        JsonPath links = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"imageIds\":[\"" + image.id() + "\"],\"createZip\":false}")
                .post("/v1/images/download/bulk").then().statusCode(200).extract().jsonPath();
        String fileUrl = links.getString("data.files[0].downloadUrl");
        assertThat(TestData.fetch(fileUrl).statusCode()).isEqualTo(200);

        Instant expiresAt = Instant.parse(links.getString("data.expiresAt"));
        // the signature itself expires: S3 refuses the links even before the sweeper runs
        org.awaitility.Awaitility.await().atMost(Duration.between(Instant.now(), expiresAt).plusSeconds(15))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> TestData.fetch(url).statusCode() == 403 && TestData.fetch(fileUrl).statusCode() == 403);

        // the sweeper deletes both once their expiry has passed (its own clock: rounds until both are gone)
        java.util.concurrent.atomic.AtomicInteger swept = new java.util.concurrent.atomic.AtomicInteger();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                .until(() -> swept.addAndGet(sweeper.sweepOnce()) >= 2);
        String id = single.getString("data.id");
        assertThat(TestData.downloadObjects("single/" + id + "/")).isEmpty();
        assertThat(TestData.downloadObjects("bulk/" + links.getString("data.id") + "/")).isEmpty();
        given().auth().oauth2(token).get("/v1/downloads/" + id).then().statusCode(200)
                .body("data.expired", org.hamcrest.Matchers.is(true))
                .body("data.downloadUrl", org.hamcrest.Matchers.nullValue());
        // history keeps the entry
        given().auth().oauth2(token).get("/v1/downloads/history").then()
                .body("data.pagination.total", org.hamcrest.Matchers.is(2));
    }
}
