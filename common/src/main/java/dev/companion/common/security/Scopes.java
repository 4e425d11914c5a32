package dev.companion.common.security;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The OAuth scopes of Companion's access tokens and how a {@code scope} claim is read. Each route
 * needs one scope (README "Routes"); the profile needs none beyond a valid token.
 */
public final class Scopes {

    public static final String PROJECTS = "projects";
    public static final String CHATS = "chats";
    public static final String IMAGES = "images";
    public static final String DOWNLOADS = "downloads";
    public static final String ADMIN = "admin";
    /** A browser agent answering the user's prompts over {@code /v1/agents/connect}, and {@code GET /v1/agents}. */
    public static final String AGENT = "agent";

    /** What any user may be granted, in canonical order. */
    public static final List<String> USER = List.of(PROJECTS, CHATS, IMAGES, DOWNLOADS);
    /** Every scope, in canonical order ({@code admin} only ever for users with the admin role). */
    public static final List<String> ALL = List.of(PROJECTS, CHATS, IMAGES, DOWNLOADS, AGENT, ADMIN);

    private Scopes() {
    }

    /**
     * The scopes of a {@code scope} claim: a space-separated string (RFC 8693 4.2), possibly a JSON
     * string value with its quotes, or a collection; null or blank is no scope at all.
     */
    public static Set<String> parse(Object claim) {
        Set<String> out = new LinkedHashSet<>();
        if (claim == null) {
            return out;
        }
        if (claim instanceof Collection<?> c) {
            for (Object o : c) {
                out.addAll(parse(o));
            }
            return out;
        }
        String text = claim.toString().trim();
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            text = text.substring(1, text.length() - 1);
        }
        for (String s : text.split("\\s+")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** True when the claim grants {@code required}. */
    public static boolean grants(Object claim, String required) {
        return parse(claim).contains(required);
    }
}
