package dev.companion.gateway.routing;

/**
 * The grammar of a {@code Content-Type} value (RFC 9110 §8.3.1): {@code type "/" subtype *( OWS ";"
 * OWS [ token "=" ( token / quoted-string ) ] )}. The gateway refuses a body whose type does not
 * parse (415) instead of letting a service fail on it with a 500.
 */
public final class MediaTypeSyntax {

    private MediaTypeSyntax() {
    }

    public static boolean isWellFormed(String value) {
        if (value == null) {
            return false;
        }
        int[] pos = {0};
        int n = value.length();
        skipOws(value, pos);
        if (!token(value, pos) || !expect(value, pos, '/') || !token(value, pos)) {
            return false;
        }
        while (true) {
            skipOws(value, pos);
            if (pos[0] == n) {
                return true;
            }
            if (!expect(value, pos, ';')) {
                return false;
            }
            skipOws(value, pos);
            if (pos[0] == n || value.charAt(pos[0]) == ';') {
                continue; // an empty parameter is allowed by the grammar
            }
            if (!token(value, pos) || !expect(value, pos, '=')) {
                return false;
            }
            if (pos[0] < n && value.charAt(pos[0]) == '"') {
                if (!quotedString(value, pos)) {
                    return false;
                }
            } else if (!token(value, pos)) {
                return false;
            }
        }
    }

    private static boolean token(String s, int[] pos) {
        int start = pos[0];
        while (pos[0] < s.length() && isTchar(s.charAt(pos[0]))) {
            pos[0]++;
        }
        return pos[0] > start;
    }

    private static boolean quotedString(String s, int[] pos) {
        pos[0]++; // opening quote
        while (pos[0] < s.length()) {
            char c = s.charAt(pos[0]++);
            if (c == '"') {
                return true;
            }
            if (c == '\\') {
                if (pos[0] == s.length() || !isQuotable(s.charAt(pos[0]))) {
                    return false;
                }
                pos[0]++;
            } else if (!isQdtext(c)) {
                return false;
            }
        }
        return false; // unterminated
    }

    private static boolean expect(String s, int[] pos, char c) {
        if (pos[0] < s.length() && s.charAt(pos[0]) == c) {
            pos[0]++;
            return true;
        }
        return false;
    }

    private static void skipOws(String s, int[] pos) {
        while (pos[0] < s.length() && (s.charAt(pos[0]) == ' ' || s.charAt(pos[0]) == '\t')) {
            pos[0]++;
        }
    }

    private static boolean isTchar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static boolean isQdtext(char c) {
        return c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e) || (c >= 0x80 && c <= 0xff);
    }

    private static boolean isQuotable(char c) {
        return c == '\t' || (c >= 0x20 && c <= 0x7e) || (c >= 0x80 && c <= 0xff);
    }
}
