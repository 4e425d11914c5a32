package dev.companion.auth.service;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The scopes a token can carry; a request naming anything else is {@code invalid_scope}. */
public final class Scopes {

    public static final List<String> SUPPORTED = List.of("projects", "chats", "images");
    public static final String ALL = String.join(" ", SUPPORTED);

    private Scopes() {
    }

    /** The granted scope string in canonical order; all scopes when none are asked for. */
    public static String resolve(String requested) {
        if (requested == null || requested.isBlank()) {
            return ALL;
        }
        Set<String> asked = new LinkedHashSet<>(List.of(requested.trim().split("\\s+")));
        for (String s : asked) {
            if (!SUPPORTED.contains(s)) {
                throw OAuthException.invalidScope("Unknown scope: " + s);
            }
        }
        return String.join(" ", SUPPORTED.stream().filter(asked::contains).toList());
    }

    /** True when every scope of {@code requested} is within {@code granted}. */
    public static boolean within(String requested, String granted) {
        Set<String> g = Set.of(granted.split(" "));
        return g.containsAll(List.of(resolve(requested).split(" ")));
    }
}
