package dev.companion.gateway;

import dev.companion.gateway.support.UpstreamStandIns;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "redis", value = "true"))
@QuarkusTestResource(UpstreamStandIns.class)
class ProxyTest {

    @TestHTTPResource("/")
    URI gateway;

    private final String token = TestTokens.forUser("user_proxytest000000000000000");

    @Test
    void eachPrefixReachesItsServiceWithThePathUnchanged() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("/v1/auth/login?redirect=x", "auth-service");
        cases.put("/.well-known/openid-configuration", "auth-service");
        cases.put("/v1/user/profile", "auth-service");
        cases.put("/v1/admin/api-keys", "auth-service");
        cases.put("/v1/projects/proj_1/chats", "chat-service");
        cases.put("/v1/projects/proj_1", "project-service");
        cases.put("/v1/projects?page=2", "project-service");
        cases.put("/v1/instructions/inst_1", "project-service");
        cases.put("/v1/chats/chat_1/messages", "chat-service");
        cases.put("/v1/images/img_1/download", "download-service");
        cases.put("/v1/images/download/bulk", "download-service");
        cases.put("/v1/downloads/dl_1", "download-service");
        cases.put("/v1/images/img_1", "image-service");
        cases.put("/v1/images/generate/img_gen_1", "image-service");
        // admin routes need the admin scope (TokenSecurityTest); this token carries every scope
        String all = TestTokens.token("user_proxytestadmin000000000", "free", java.util.Set.of("user", "admin"),
                java.time.Duration.ofHours(1), "projects chats images downloads admin");
        cases.forEach((path, service) -> given().header("Authorization", "Bearer " + all)
                .when().get(path)
                .then().statusCode(200)
                .body("service", is(service))
                .body("uri", is(path))
                .body("method", is("GET")));
    }

    @Test
    void requestIdAndForwardingHeadersReachTheService() {
        Response r = given().header("Authorization", "Bearer " + token).when().get("/v1/chats");
        r.then().statusCode(200)
                .header("X-Request-Id", matchesPattern("req_[0-9a-z]{26}"))
                .body("headers.'x-forwarded-for'", notNullValue())
                .body("headers.'x-forwarded-proto'", is("http"))
                .body("headers.'x-forwarded-host'", notNullValue())
                .body("headers.authorization", is("Bearer " + token));
        assertEquals(r.header("X-Request-Id"), r.jsonPath().getString("headers.'x-request-id'"));
        assertEquals(1, r.headers().getValues("X-Request-Id").size());

        given().header("Authorization", "Bearer " + token).header("X-Request-Id", "req_fromclient42")
                .when().get("/v1/chats")
                .then().statusCode(200)
                .header("X-Request-Id", is("req_fromclient42"))
                .body("headers.'x-request-id'", is("req_fromclient42"));
    }

    @Test
    void unknownPathIsNotFoundInTheEnvelope() {
        given().header("Authorization", "Bearer " + token).when().get("/v1/nothing-here")
                .then().statusCode(404)
                .body("success", is(false))
                .body("error.code", is("NOT_FOUND"))
                .body("requestId", matchesPattern("req_.+"));
    }

    @Test
    void serverSentEventsPassThroughAsTheyAreWritten() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(gateway.resolve("/v1/chats/chat_sse/stream"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build();
        HttpResponse<Stream<String>> response = client.send(request, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElse(null));
        List<Long> arrivals = new ArrayList<>();
        List<Long> sent = new ArrayList<>();
        response.body().filter(l -> l.startsWith("data:")).forEach(l -> {
            arrivals.add(System.currentTimeMillis());
            sent.add(Long.parseLong(l.replaceAll(".*\"sentAt\":(\\d+).*", "$1")));
        });
        assertEquals(3, arrivals.size());
        // the stand-in writes an event every 300 ms: the first must be here before the last is written
        assertTrue(arrivals.get(0) < sent.get(2), "first event arrived at " + arrivals.get(0) + ", last sent at " + sent.get(2));
    }

    @Test
    void aServiceTooSlowToAnswerIsAGatewayTimeout() throws Exception {
        // warm up (first token check, first connection) so the clock below measures the timeout only
        given().header("Authorization", "Bearer " + token).when().get("/v1/instructions").then().statusCode(200);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long start = System.currentTimeMillis();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(gateway.resolve("/v1/instructions/slow"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        long took = System.currentTimeMillis() - start;
        assertEquals(504, r.statusCode());
        assertTrue(r.body().contains("\"code\":\"GATEWAY_TIMEOUT\""), r.body());
        assertTrue(r.body().contains("\"service\":\"project-service\""), r.body());
        assertTrue(r.body().contains("\"requestId\":\"req_"), r.body());
        assertTrue(took < 4500, "the configured 2 s timeout applies, not the service's 5 s; took " + took);
    }

    @Test
    void aStoppedServiceFailsFastThenRecovers() {
        UpstreamStandIns.stopService("download-service");
        try {
            for (int i = 0; i < 2; i++) {
                given().header("Authorization", "Bearer " + token).when().get("/v1/downloads/dl_1")
                        .then().statusCode(503)
                        .body("error.code", is("SERVICE_UNAVAILABLE"))
                        .body("error.details.service", is("download-service"));
            }
            // the circuit is open now: refused without trying, with a hint when to come back
            long start = System.currentTimeMillis();
            given().header("Authorization", "Bearer " + token).when().get("/v1/downloads/dl_1")
                    .then().statusCode(503)
                    .header("Retry-After", notNullValue())
                    .body("error.code", is("SERVICE_UNAVAILABLE"));
            assertTrue(System.currentTimeMillis() - start < 1000);
        } finally {
            UpstreamStandIns.startService("download-service");
        }
        // other services are unaffected by one open circuit
        given().header("Authorization", "Bearer " + token).when().get("/v1/images/img_1").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                given().header("Authorization", "Bearer " + token).when().get("/v1/downloads/dl_1")
                        .then().statusCode(200).body("service", is("download-service")));
    }

    @Test
    void bodiesStreamToTheServiceUpToTheLimit() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        byte[] half = new byte[512 * 1024];
        // no Content-Length: the size is only known while streaming
        HttpRequest chunked = HttpRequest.newBuilder(gateway.resolve("/v1/images/upload"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(half))).build();
        HttpResponse<String> ok = client.send(chunked, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().contains("\"bodyBytes\":524288"), ok.body());

        byte[] tooBig = new byte[2 * 1024 * 1024];
        given().header("Authorization", "Bearer " + token).body(tooBig).contentType("application/octet-stream")
                .when().post("/v1/images/upload")
                .then().statusCode(413)
                .body("error.code", is("PAYLOAD_TOO_LARGE"))
                .body("error.details.value", is(1048576));

        HttpRequest tooBigChunked = HttpRequest.newBuilder(gateway.resolve("/v1/images/upload"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(tooBig))).build();
        try {
            HttpResponse<String> refused = client.send(tooBigChunked, HttpResponse.BodyHandlers.ofString());
            assertEquals(413, refused.statusCode());
            assertTrue(refused.body().contains("PAYLOAD_TOO_LARGE"), refused.body());
        } catch (java.io.IOException e) {
            // the gateway may close the connection while the client is still sending: also a refusal
        }
        // either way the service never got the whole oversized body
        assertTrue(UpstreamStandIns.COMPLETED_BODIES.stream().noneMatch(n -> n > 1048576), UpstreamStandIns.COMPLETED_BODIES.toString());
    }

    @Test
    void extensionOriginsGetCorsHeadersOthersDoNot() {
        given().header("Origin", "chrome-extension://testextension")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "Authorization,Content-Type")
                .when().options("/v1/projects")
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", is("chrome-extension://testextension"));
        given().header("Origin", "chrome-extension://testextension").header("Authorization", "Bearer " + token)
                .when().get("/v1/projects")
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", is("chrome-extension://testextension"));
        given().header("Origin", "https://evil.example").header("Authorization", "Bearer " + token)
                .when().get("/v1/projects")
                .then().header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void eachServiceOpenApiDocumentIsServedForTheSwaggerUi() {
        for (String service : UpstreamStandIns.SERVICES) {
            given().when().get("/docs/openapi/" + service).then().statusCode(200).body("info.title", is(service));
        }
        given().when().get("/docs/openapi/unknown-service").then().statusCode(404).body("error.code", is("NOT_FOUND"));
        given().when().get("/q/swagger-ui/").then().statusCode(200);
    }
}
