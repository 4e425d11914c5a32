package dev.companion.auth.service;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Scope strings: any mix of known scopes resolves to a canonical subset; anything unknown is invalid_scope. */
class ScopesTest {

    @Provide
    Arbitrary<List<String>> knownScopes() {
        return Arbitraries.of(Scopes.SUPPORTED).list().ofMinSize(1).ofMaxSize(6);
    }

    @Property(tries = 200)
    void knownScopesResolveToACanonicalSubset(@ForAll("knownScopes") List<String> asked) {
        String resolved = Scopes.resolve(String.join("  ", asked));
        List<String> parts = List.of(resolved.split(" "));
        assertEquals(Set.copyOf(asked), Set.copyOf(parts));
        assertEquals(Scopes.SUPPORTED.stream().filter(parts::contains).toList(), parts, "canonical order, no duplicates");
        assertTrue(Scopes.within(resolved, String.join(" ", Scopes.SUPPORTED)));
    }

    @Property(tries = 200)
    void unknownScopesAreRefused(@ForAll("knownScopes") List<String> asked, @ForAll("unknown") String stranger) {
        OAuthException e = assertThrows(OAuthException.class, () -> Scopes.resolve(String.join(" ", asked) + " " + stranger));
        assertEquals("invalid_scope", e.error());
    }

    @Provide
    Arbitrary<String> unknown() {
        return Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12).filter(s -> !Scopes.SUPPORTED.contains(s));
    }

    @Test
    void emptyMeansEverything() {
        // every user scope, never admin
        assertEquals("projects chats images downloads", Scopes.resolve(null));
        assertEquals("projects chats images downloads", Scopes.resolve("  "));
        assertEquals("projects", Scopes.withoutAdmin("projects admin"));
        assertFalse(Scopes.within("projects images", "projects"));
    }
}
