package dev.companion.gateway;

import dev.companion.gateway.routing.CanonicalPath;
import io.vertx.core.http.impl.HttpUtils;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one path the gateway routes, counts and forwards: examples of each rule, and properties over generated tricks. */
class CanonicalPathTest {

    @Example
    void tricksBecomeThePathTheyMean() {
        Map<String, String> cases = Map.ofEntries(
                Map.entry("/v1/images//generate", "/v1/images/generate"),
                Map.entry("/v1/images/%67enerate", "/v1/images/generate"),
                Map.entry("/v1/images/%67%65nerate/", "/v1/images/generate/"),
                Map.entry("/v1/instructions/../projects", "/v1/projects"),
                Map.entry("/v1/chats/%2e%2E/projects", "/v1/projects"),
                Map.entry("/v1/./projects/./proj_1/.", "/v1/projects/proj_1/"),
                Map.entry("//v1///projects", "/v1/projects"),
                Map.entry("/v1/projects/a%20b%c3%a9", "/v1/projects/a%20b%C3%A9"),
                Map.entry("/%76%31/auth/login", "/v1/auth/login"),
                Map.entry("/.well-known/jwks.json", "/.well-known/jwks.json"),
                Map.entry("/v1/projects/", "/v1/projects/"),
                Map.entry("/", "/"));
        cases.forEach((raw, canonical) -> {
            CanonicalPath.Outcome o = CanonicalPath.of(raw);
            assertFalse(o.refused(), raw + " refused: " + o.refusal());
            assertEquals(canonical, o.path(), raw);
        });
    }

    @Example
    void pathsThatHideSeparatorsOrLeaveTheirPrefixAreRefused() {
        Map<String, String> cases = Map.ofEntries(
                Map.entry("/.well-known/../v1/auth/authorize", "escapesPrefix"),
                Map.entry("/v1/../v1/projects", "escapesPrefix"),
                Map.entry("/v1/..", "escapesPrefix"),
                Map.entry("/..", "escapesPrefix"),
                Map.entry("/v1/projects/../../q/metrics", "escapesPrefix"),
                Map.entry("/v1/%2e%2e/x", "escapesPrefix"),
                Map.entry("/v1/projects%2Fproj_1", "encodedSlash"),
                Map.entry("/v1/projects%2fproj_1", "encodedSlash"),
                Map.entry("/v1/projects%5Cproj_1", "encodedBackslash"),
                Map.entry("/v1/projects\\proj_1", "backslash"),
                Map.entry("/v1/projects%00", "nul"),
                Map.entry("/v1/projects\u0000", "nul"),
                Map.entry("/v1/pro\tjects", "controlCharacter"),
                Map.entry("/v1/projects;jsessionid=1", "matrixParameter"),
                Map.entry("/v1/projects%", "malformedEscape"),
                Map.entry("/v1/projects%4", "malformedEscape"),
                Map.entry("/v1/projects%g1", "malformedEscape"),
                Map.entry("v1/projects", "absolutePath"),
                Map.entry("", "absolutePath"));
        cases.forEach((raw, refusal) -> assertEquals(refusal, CanonicalPath.of(raw).refusal(), raw));
    }

    @Property(tries = 2000)
    void aCanonicalPathIsAFixedPointForUsAndForTheServices(@ForAll("tricks") String raw) {
        CanonicalPath.Outcome o = CanonicalPath.of(raw);
        if (o.refused()) {
            return;
        }
        String path = o.path();
        assertEquals(path, CanonicalPath.of(path).path(), "idempotent");
        // what Vert.x (and so each service behind) does to a path leaves ours unchanged
        assertEquals(path, HttpUtils.normalizePath(path), "services normalise " + path + " to the same path");
        assertFalse(path.contains("//"), path);
        for (String segment : path.split("/")) {
            assertFalse(segment.equals(".") || segment.equals(".."), path);
        }
    }

    @Property(tries = 2000)
    void aPathNeverLeavesTheFirstSegmentItNames(@ForAll("tricks") String raw) {
        CanonicalPath.Outcome o = CanonicalPath.of(raw);
        if (o.refused()) {
            return;
        }
        for (String segment : raw.split("/")) {
            CanonicalPath.Outcome alone = CanonicalPath.of("/" + segment);
            if (alone.refused() || alone.path().equals("/")) {
                continue; // an empty or dot segment: the first real one comes later
            }
            String first = alone.path();
            assertTrue(o.path().equals(first) || o.path().startsWith(first + "/"), raw + " -> " + o.path() + " left " + first);
            return;
        }
    }

    @Property(tries = 500)
    void anEncodedSlashAnywhereIsRefused(@ForAll("tricks") String before, @ForAll("tricks") String after) {
        assertTrue(CanonicalPath.of(before + "%2F" + after.substring(1)).refused());
    }

    @Provide
    Arbitrary<String> tricks() {
        List<String> segments = List.of("v1", "%76%31", ".well-known", "images", "generate", "%67enerate", "projects", "auth",
                "..", ".", "", "%2e", "%2E%2e", ".%2e", "a", "~x", "%41", "%7e", "%20", "%c3%a9", "q", "metrics");
        return Arbitraries.of(segments).list().ofMinSize(1).ofMaxSize(7)
                .map(list -> "/" + String.join("/", list));
    }
}
