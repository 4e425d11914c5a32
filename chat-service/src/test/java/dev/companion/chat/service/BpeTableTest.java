package dev.companion.chat.service;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The compact tables count exactly what jtokkit's reference implementation counts. */
class BpeTableTest {

    private static final EncodingRegistry REFERENCE = Encodings.newLazyEncodingRegistry();
    private static final BpeTable O200K = BpeTable.o200k();
    private static final BpeTable CL100K = BpeTable.cl100k();

    private static void sameAsReference(String text) {
        assertEquals(reference(EncodingType.O200K_BASE).countTokensOrdinary(text), O200K.count(text), () -> "o200k: " + text);
        assertEquals(reference(EncodingType.CL100K_BASE).countTokensOrdinary(text), CL100K.count(text), () -> "cl100k: " + text);
    }

    private static Encoding reference(EncodingType type) {
        return REFERENCE.getEncoding(type);
    }

    @Test
    void loadsEveryToken() {
        assertEquals(199998, O200K.size());
        assertEquals(100256, CL100K.size());
    }

    @Test
    void countsTypicalPromptsLikeTheReference() {
        for (String text : List.of("hello world", "", " ", "Hello, World! It's 2026-12-02 and we're testing.",
                "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
                "Zürich, Kraków, 東京, Москва, القاهرة — naïve café façade 🚀🔥👩‍👩‍👧",
                "<|endoftext|> is text here", "1234567890 3.14159 1e-9 0xFFEE",
                "   leading and trailing   \n\n\n\tTabs\r\nCRLF", "https://example.com/a/b?c=d&e=f#g",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!????????????????...........",
                "I'M SHOUTING, YOU'RE NOT, THEY'LL SEE, WE'VE DONE, HE'D GO")) {
            sameAsReference(text);
        }
    }

    @Test
    void longRunsStayExact() {
        sameAsReference(" ".repeat(5000));
        sameAsReference("ab".repeat(3000));
        sameAsReference("🙂".repeat(1000));
        sameAsReference("x".repeat(20000) + "\n" + "-".repeat(7000));
    }

    @Property(tries = 300)
    void anyTextCountsLikeTheReference(@ForAll @StringLength(max = 120) String text) {
        sameAsReference(text);
    }

    @Property(tries = 300)
    void proseLikeTextCountsLikeTheReference(
            @ForAll @StringLength(max = 200) @CharRange(from = 'a', to = 'z') @CharRange(from = 'A', to = 'Z')
            @CharRange(from = '0', to = '9') @Chars({' ', ' ', ' ', '\n', '\'', ',', '.', '!', '-', 'é', 'ß', '中', '\t', '/'})
            String text) {
        sameAsReference(text);
    }
}
