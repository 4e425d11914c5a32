package dev.companion.gateway;

import dev.companion.gateway.support.RawHttp;
import dev.companion.gateway.support.UpstreamStandIns;
import dev.companion.testing.LocalInfraResource;
import dev.companion.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every refusal at the edge comes in the seed's envelope with a request id: 414, 431, 413 (the
 * test profile allows 2048-character targets, 8 KiB of headers, 1 MiB bodies) and 415 for a
 * {@code Content-Type} that does not parse.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "redis", value = "true"))
@QuarkusTestResource(UpstreamStandIns.class)
class EdgeRefusalsTest {

    @TestHTTPResource("/")
    URI gateway;

    private final String auth = "Authorization: Bearer " + TestTokens.forUser("user_edgerefusals000000000001");

    private static JsonObject error(RawHttp.Answer a) {
        JsonObject body = a.json();
        assertEquals(false, body.getBoolean("success"), a.body());
        assertTrue(body.getString("requestId").startsWith("req_"), a.body());
        assertTrue(body.getString("timestamp").endsWith("Z"), a.body());
        assertTrue(a.header("Content-Type").startsWith("application/json"), a.headers().toString());
        return body.getJsonObject("error");
    }

    @Test
    void aTooLongUriIs414InTheEnvelope() {
        String longPath = "/v1/projects/" + "a".repeat(3000);
        RawHttp.Answer a = RawHttp.send(gateway, "GET", longPath, null, auth);
        assertEquals(414, a.status());
        JsonObject e = error(a);
        assertEquals("VALIDATION_ERROR", e.getString("code"));
        assertEquals("uri", e.getJsonObject("details").getString("field"));
        assertEquals("maxLength", e.getJsonObject("details").getString("constraint"));
        assertEquals(2048, e.getJsonObject("details").getInteger("value"));

        RawHttp.Answer longQuery = RawHttp.send(gateway, "GET", "/v1/projects?q=" + "x".repeat(3000), null, auth);
        assertEquals(414, longQuery.status());
        assertEquals("VALIDATION_ERROR", error(longQuery).getString("code"));
    }

    @Test
    void aTooLongUriIs414InTheEnvelopeForEveryMethodAndBody() {
        String target = "/v1/projects?q=" + "x".repeat(6000);
        for (String method : new String[]{"OPTIONS", "TRACE", "PROPFIND", "DELETE"}) {
            RawHttp.Answer plain = RawHttp.send(gateway, method, target, null, auth);
            assertEquals(414, plain.status(), method);
            assertEquals("VALIDATION_ERROR", error(plain).getString("code"), method);
        }
        // an empty Content-Type on a request without a body (HostileInputIT found this one answered bare)
        for (String method : new String[]{"OPTIONS", "GET"}) {
            RawHttp.Answer empty = RawHttp.send(gateway, method, "/v1/downloads/history?limit=" + "x".repeat(6000), null, auth, "Content-Type: ");
            assertEquals(414, empty.status(), method);
            assertEquals("VALIDATION_ERROR", error(empty).getString("code"), method);
        }
        // a browser's cross-origin request (not a preflight), and one with a body far above the limit
        RawHttp.Answer cors = RawHttp.send(gateway, "OPTIONS", target, null, "Origin: chrome-extension://testextension");
        assertEquals(414, cors.status());
        assertEquals("VALIDATION_ERROR", error(cors).getString("code"));
        String big = "{\"a\":\"" + "b".repeat(2_000_000) + "\"}";
        for (String method : new String[]{"OPTIONS", "POST"}) {
            RawHttp.Answer a = RawHttp.send(gateway, method, target, big, "Content-Type: application/json");
            assertEquals(414, a.status(), method);
            assertEquals("VALIDATION_ERROR", error(a).getString("code"), method);
        }
    }

    @Test
    void aServicesBareRefusalReachesTheClientInTheEnvelope() {
        RawHttp.Answer a = RawHttp.send(gateway, "GET", "/v1/projects/bare-refusal", null, auth);
        assertEquals(414, a.status());
        JsonObject e = error(a);
        assertEquals("VALIDATION_ERROR", e.getString("code"));
        assertEquals("Request URI too long", e.getString("message"));
    }

    @Test
    void tooLargeHeadersAre431InTheEnvelope() {
        RawHttp.Answer one = RawHttp.send(gateway, "GET", "/v1/projects", null, auth, "X-Padding: " + "p".repeat(9000));
        assertEquals(431, one.status());
        JsonObject e = error(one);
        assertEquals("VALIDATION_ERROR", e.getString("code"));
        assertEquals("headers", e.getJsonObject("details").getString("field"));
        assertEquals(8192, e.getJsonObject("details").getInteger("value"));

        String[] many = new String[200];
        for (int i = 0; i < many.length; i++) {
            many[i] = "X-Many-" + i + ": " + "m".repeat(40);
        }
        RawHttp.Answer lots = RawHttp.send(gateway, "GET", "/v1/projects", null, many);
        assertEquals(431, lots.status(), "the sum counts, not the longest line");
        assertEquals("VALIDATION_ERROR", error(lots).getString("code"));
    }

    @Test
    void aDeclaredBodyAboveEveryLimitIs413InTheEnvelopeWithoutSendingIt() throws Exception {
        // 2 GiB announced: above the gateway's 1 MiB and above Quarkus' own 1 GiB, which would answer bare
        for (String path : new String[]{"/v1/images/upload", "/docs/openapi/image-service", "/q/health"}) {
            try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\n" + auth + "\r\nContent-Type: application/octet-stream\r\n"
                        + "Content-Length: 2147483648\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                String answer = readOneAnswer(socket.getInputStream());
                assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
                JsonObject json = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
                assertEquals("PAYLOAD_TOO_LARGE", json.getJsonObject("error").getString("code"), answer);
                assertEquals(1048576, json.getJsonObject("error").getJsonObject("details").getInteger("value"));
                assertTrue(json.getString("requestId").startsWith("req_"));
            }
        }
    }

    /** Reads one answer with a Content-Length body (the connection may stay open: the announced body was never sent). */
    private static String readOneAnswer(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        int headEnd = -1;
        int length = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return text.toString();
            }
            text.append((char) b);
            if (headEnd < 0 && text.length() >= 4 && text.substring(text.length() - 4).equals("\r\n\r\n")) {
                headEnd = text.length();
                Matcher m = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(text);
                length = m.find() ? Integer.parseInt(m.group(1)) : 0;
            }
            if (headEnd >= 0 && text.length() - headEnd >= length) {
                return text.toString();
            }
        }
    }

    @Test
    void aMalformedContentTypeOnABodyIs415UnsupportedMediaType() {
        String[] malformed = {"", ";;", "garbage", "application/", "/json", "application/json, text/plain", "application/json; charset", "text/plain; a=\"open"};
        for (String type : malformed) {
            RawHttp.Answer a = RawHttp.send(gateway, "POST", "/v1/projects", "{\"name\":\"x\"}", auth, "Content-Type: " + type);
            assertEquals(415, a.status(), "[" + type + "] " + a.body());
            JsonObject e = error(a);
            assertEquals("UNSUPPORTED_MEDIA_TYPE", e.getString("code"), type);
            assertEquals("Content-Type", e.getJsonObject("details").getString("field"));
        }
        RawHttp.Answer twice = RawHttp.send(gateway, "PUT", "/v1/projects/proj_1", "{}", auth, "Content-Type: application/json", "Content-Type: text/plain");
        assertEquals(415, twice.status(), "two Content-Type headers: which one would the service read?");
        assertEquals("UNSUPPORTED_MEDIA_TYPE", error(twice).getString("code"));
    }

    @Test
    void wellFormedContentTypesPassAndABrokenOneWithoutABodyIsDropped() {
        for (String type : new String[]{"application/json", "application/json; charset=utf-8", "multipart/form-data; boundary=----x1",
                "text/plain;charset=\"UTF-8\"", "application/json;"}) {
            RawHttp.Answer a = RawHttp.send(gateway, "POST", "/v1/projects", "{}", auth, "Content-Type: " + type);
            assertEquals(200, a.status(), "[" + type + "] " + a.body());
            assertEquals(type, a.json().getJsonObject("headers").getString("content-type"));
        }
        RawHttp.Answer get = RawHttp.send(gateway, "GET", "/v1/projects", null, auth, "Content-Type: ;;");
        assertEquals(200, get.status(), get.body());
        assertFalse(get.json().getJsonObject("headers").containsKey("content-type"), "meaningless without a body: not passed on");
    }

    @Test
    void requestsWithinTheLimitsPass() {
        RawHttp.Answer a = RawHttp.send(gateway, "GET", "/v1/projects/" + "a".repeat(1900), null, auth, "X-Padding: " + "p".repeat(6000));
        assertEquals(200, a.status(), a.body());
    }
}
