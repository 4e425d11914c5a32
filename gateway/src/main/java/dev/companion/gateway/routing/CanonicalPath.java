package dev.companion.gateway.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * The one form of a request path that the gateway routes, authorises, rate-limits and forwards:
 * percent-escapes of unreserved characters decoded ({@code %67} → {@code g}), other escapes kept
 * (hex upper-cased), {@code //} collapsed, {@code .} and {@code ..} segments resolved. Paths that
 * would mean something else to the services than to the gateway are refused instead: an encoded
 * {@code /} or {@code \}, a NUL, a raw backslash or control character, a matrix parameter
 * ({@code ;}), a malformed escape, and a {@code ..} that climbs out of its first segment
 * ({@code /.well-known/../v1/…}, {@code /v1/../…}) or above the root.
 */
public final class CanonicalPath {

    /** The canonical path, or why there is none ({@code refusal} names the rule, e.g. {@code encodedSlash}). */
    public record Outcome(String path, String refusal, String message) {

        public boolean refused() {
            return refusal != null;
        }
    }

    private CanonicalPath() {
    }

    public static Outcome of(String raw) {
        if (raw == null || raw.isEmpty() || raw.charAt(0) != '/') {
            return refuse("absolutePath", "the path must start with '/'");
        }
        StringBuilder decoded = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    return refuse("malformedEscape", "'%' must be followed by two hex digits");
                }
                int b = hi * 16 + lo;
                if (b == 0) {
                    return refuse("nul", "an encoded NUL is not allowed");
                }
                if (b == '/') {
                    return refuse("encodedSlash", "an encoded '/' is not allowed");
                }
                if (b == '\\') {
                    return refuse("encodedBackslash", "an encoded '\\' is not allowed");
                }
                if (isUnreserved(b)) {
                    decoded.append((char) b);
                } else {
                    decoded.append('%').append(Character.toUpperCase(raw.charAt(i + 1))).append(Character.toUpperCase(raw.charAt(i + 2)));
                }
                i += 2;
            } else if (c == '\\') {
                return refuse("backslash", "'\\' is not allowed");
            } else if (c == 0) {
                return refuse("nul", "NUL is not allowed");
            } else if (c < 0x20 || c == 0x7f || c == ' ') {
                return refuse("controlCharacter", "control characters and spaces must be percent-encoded");
            } else if (c == ';') {
                return refuse("matrixParameter", "';' is not allowed in the path");
            } else {
                decoded.append(c);
            }
        }
        return resolveSegments(decoded.toString());
    }

    private static Outcome resolveSegments(String path) {
        String[] parts = path.split("/", -1);
        List<String> out = new ArrayList<>(parts.length);
        String last = parts[parts.length - 1];
        boolean trailingSlash = last.isEmpty() || last.equals(".") || last.equals("..");
        for (String segment : parts) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (out.size() <= 1) {
                    // above the root, or out of /v1 (/.well-known) into another prefix: never what a client means
                    return refuse("escapesPrefix", "'..' must not leave the first path segment");
                }
                out.remove(out.size() - 1);
            } else {
                out.add(segment);
            }
        }
        if (out.isEmpty()) {
            return new Outcome("/", null, null);
        }
        String joined = "/" + String.join("/", out);
        return new Outcome(trailingSlash ? joined + "/" : joined, null, null);
    }

    /** RFC 3986 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~". */
    private static boolean isUnreserved(int b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                || b == '-' || b == '.' || b == '_' || b == '~';
    }

    private static Outcome refuse(String refusal, String message) {
        return new Outcome(null, refusal, "Invalid path: " + message);
    }
}
