package dev.companion.gateway;

import dev.companion.gateway.routing.MediaTypeSyntax;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Content-Type grammar the gateway holds bodies to before a service parses them. */
class MediaTypeSyntaxTest {

    @Example
    void wellFormedTypesPass() {
        for (String ok : new String[]{"application/json", "application/json; charset=utf-8", "text/plain;charset=\"UTF-8\"",
                "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW", "image/png", "application/vnd.api+json",
                "application/json;", "application/json ; charset=utf-8", "*/*", "text/plain; a=\"q;x\\\"y\""}) {
            assertTrue(MediaTypeSyntax.isWellFormed(ok), ok);
        }
    }

    @Example
    void whatTheFuzzerSentIsRefused() {
        for (String bad : new String[]{"", " ", ";;", "garbage", "application/", "/json", "a/b/c", "application/json, text/plain",
                "appl ication/json", "application/json; charset", "application/json;=x", "application/json; a=\"open",
                "application/json; a=b c", "application/json\u0000", "text/plain; a=\"\u0001\""}) {
            assertFalse(MediaTypeSyntax.isWellFormed(bad), "[" + bad + "]");
        }
        assertFalse(MediaTypeSyntax.isWellFormed(null));
    }

    @Property(tries = 1000)
    void anythingWithoutASlashIsRefused(@ForAll @StringLength(max = 40) @CharRange(from = ' ', to = '.') String noSlash) {
        assertFalse(MediaTypeSyntax.isWellFormed(noSlash));
    }
}
