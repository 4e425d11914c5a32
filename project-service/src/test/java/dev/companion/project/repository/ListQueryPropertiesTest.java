package dev.companion.project.repository;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Properties of the two places where user text meets SQL in the project list. */
class ListQueryPropertiesTest {

    private static final Set<String> WHITELIST = Set.of("createdAt", "updatedAt", "name", "lastActivity");

    @Property
    void onlyWhitelistedSortValuesAreAccepted(@ForAll("sortValues") String value) {
        ProjectSort sort = ProjectSort.fromWire(value);
        if (WHITELIST.contains(value)) {
            assertEquals(value, sort.wire());
        } else {
            assertNull(sort, value);
        }
    }

    @Provide
    Arbitrary<String> sortValues() {
        return Arbitraries.oneOf(Arbitraries.of("createdAt", "updatedAt", "name", "lastActivity", "NAME", "created_at", "name;--"),
                Arbitraries.strings().ofMaxLength(30));
    }

    /** After escaping, every % and _ is literal and unescaping gives the original text back. */
    @Property
    void escapedSearchTextHasNoLiveWildcards(@ForAll("searchTexts") String text) {
        String escaped = ProjectSearchRepository.escapeLike(text);
        StringBuilder unescaped = new StringBuilder();
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c == '\\') {
                assertTrue(i + 1 < escaped.length(), "a trailing escape would swallow the closing %");
                unescaped.append(escaped.charAt(++i));
            } else {
                assertTrue(c != '%' && c != '_', "live wildcard in " + escaped);
                unescaped.append(c);
            }
        }
        assertEquals(text, unescaped.toString());
    }

    @Provide
    Arbitrary<String> searchTexts() {
        return Arbitraries.strings().withChars("ab%_\\' ").ofMaxLength(20);
    }
}
