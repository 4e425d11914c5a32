package dev.companion.auth.service;

import dev.companion.auth.model.User;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The scopes a token can carry ({@link dev.companion.common.security.Scopes}: {@code projects chats
 * images downloads admin}); a request naming anything else is {@code invalid_scope}. {@code admin}
 * is only ever granted to a user with the admin role, and never to an API token.
 */
public final class Scopes {

    public static final List<String> SUPPORTED = dev.companion.common.security.Scopes.ALL;
    /** What a request without {@code scope} gets: every user scope (not {@code admin}). */
    public static final String ALL = String.join(" ", dev.companion.common.security.Scopes.USER);

    private Scopes() {
    }

    /** The granted scope string in canonical order; every user scope when none are asked for. */
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

    /**
     * A first-party login (our own extension): every user scope, {@code agent} (the extension is the
     * browser agent of issue #19), and {@code admin} for admins.
     */
    public static String full(User user) {
        String all = String.join(" ", SUPPORTED);
        return user.hasRole(User.ROLE_ADMIN) ? all : withoutAdmin(all);
    }

    /** What {@code user} may get of an already resolved {@code scope}: {@code admin} only for admins. */
    public static String forUser(String scope, User user) {
        return user.hasRole(User.ROLE_ADMIN) ? scope : withoutAdmin(scope);
    }

    public static String withoutAdmin(String scope) {
        return String.join(" ", List.of(scope.split(" ")).stream()
                .filter(s -> !s.isEmpty() && !dev.companion.common.security.Scopes.ADMIN.equals(s)).toList());
    }
}
