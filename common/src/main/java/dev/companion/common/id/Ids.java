package dev.companion.common.id;

import java.security.SecureRandom;

/**
 * Prefixed, time-sortable ids: {@code proj_} + 26 characters of Crockford base32 holding a 48-bit
 * millisecond timestamp and 80 random bits (the layout of a ULID), so ids sort by creation time.
 */
public final class Ids {

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String newId(String prefix) {
        return prefix + "_" + nextMonotonic();
    }

    private static long lastMillis = -1;
    private static long lastHi;
    private static long lastLo;

    /**
     * Monotonic within this JVM: an id made in the same millisecond as the previous one takes the
     * previous random part plus one, so a prompt and its answer created together still sort in order.
     */
    static synchronized String nextMonotonic() {
        long now = System.currentTimeMillis();
        if (now <= lastMillis) {
            lastLo = (lastLo + 1) & 0xFF_FFFF_FFFFL;
            if (lastLo == 0) {
                lastHi = (lastHi + 1) & 0xFF_FFFF_FFFFL;
            }
            return encode(lastMillis, lastHi, lastLo);
        }
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long hi = 0;
        for (int i = 0; i < 5; i++) {
            hi = (hi << 8) | (random[i] & 0xFF);
        }
        long lo = 0;
        for (int i = 5; i < 10; i++) {
            lo = (lo << 8) | (random[i] & 0xFF);
        }
        // leave headroom so increments within one millisecond never wrap
        hi &= 0x7F_FFFF_FFFFL;
        lastMillis = now;
        lastHi = hi;
        lastLo = lo;
        return encode(now, hi, lo);
    }

    static String ulid(long millis) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long hi = 0;
        for (int i = 0; i < 5; i++) {
            hi = (hi << 8) | (random[i] & 0xFF);
        }
        long lo = 0;
        for (int i = 5; i < 10; i++) {
            lo = (lo << 8) | (random[i] & 0xFF);
        }
        return encode(millis, hi, lo);
    }

    /** 48-bit time and two 40-bit random halves as 26 Crockford base32 characters. */
    private static String encode(long millis, long hi, long lo) {
        char[] out = new char[26];
        long ts = millis & 0xFFFF_FFFF_FFFFL;
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (ts & 31)];
            ts >>>= 5;
        }
        for (int i = 17; i >= 10; i--) {
            out[i] = ALPHABET[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo >>>= 5;
        }
        return new String(out);
    }

    /** True when {@code id} has the given prefix and a well-formed suffix. */
    public static boolean isValid(String prefix, String id) {
        if (id == null || !id.startsWith(prefix + "_") || id.length() != prefix.length() + 27) {
            return false;
        }
        for (int i = prefix.length() + 1; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) {
                return false;
            }
        }
        return true;
    }
}
