package dev.companion.download.service;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

/**
 * Turns any text (a user's pattern, a project or chat name, a prompt) into one safe path segment:
 * no separators, so no traversal and no absolute paths; no control characters; no leading dot; no
 * Windows device names or characters Windows refuses; at most {@link #MAX_LENGTH} characters; never empty.
 */
public final class SafeFileName {

    /** Code points kept per segment; leaves room for a suffix and an extension under common 255-byte limits. */
    public static final int MAX_LENGTH = 100;
    private static final Set<String> RESERVED = Set.of("con", "prn", "aux", "nul",
            "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
            "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

    private SafeFileName() {
    }

    public static String of(String text, String fallback) {
        String s = text == null ? "" : Normalizer.normalize(text, Normalizer.Form.NFC);
        StringBuilder out = new StringBuilder();
        boolean lastWasSpace = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                if (!lastWasSpace) {
                    out.append(' ');
                }
                lastWasSpace = true;
                continue;
            }
            lastWasSpace = false;
            if (unsafe(cp)) {
                out.append('_');
            } else {
                out.appendCodePoint(cp);
            }
        }
        String name = trim(out.toString());
        // ".." and "." can no longer act as path segments once dots cannot lead
        name = capCodePoints(name, MAX_LENGTH);
        name = trim(name);
        if (name.isEmpty()) {
            name = fallback;
        }
        String base = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        if (RESERVED.contains(base.toLowerCase(Locale.ROOT))) {
            name = trim(capCodePoints("_" + name, MAX_LENGTH));
        }
        return name;
    }

    private static boolean unsafe(int cp) {
        return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)
                || cp == '/' || cp == '\\' || cp == ':' || cp == '*' || cp == '?' || cp == '"'
                || cp == '<' || cp == '>' || cp == '|'
                || Character.getType(cp) == Character.FORMAT       // bidi overrides and zero-width tricks
                || Character.getType(cp) == Character.UNASSIGNED
                || Character.getType(cp) == Character.SURROGATE
                || Character.getType(cp) == Character.PRIVATE_USE;
    }

    /** Drops leading dots/spaces/dashes and trailing dots/spaces, which Windows strips or hides. */
    private static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == '.' || s.charAt(start) == ' ' || s.charAt(start) == '-')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == '.' || s.charAt(end - 1) == ' ')) {
            end--;
        }
        return s.substring(start, end);
    }

    static String capCodePoints(String s, int max) {
        if (s.codePointCount(0, s.length()) <= max) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, max));
    }
}
