package dev.companion.chat.service;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.PriorityQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts tokens of one of OpenAI's byte-pair encodings (the {@code .tiktoken} rank files jtokkit ships)
 * in a few MB: every token's bytes in one array, an open-addressing hash of int indexes over it. The
 * same table in jtokkit's maps of boxed keys takes 15 MB (cl100k) to 30 MB (o200k) of heap.
 * <p>
 * Counting is tiktoken's: the text is split by the encoding's pattern, a piece that is a token counts
 * one, any other is merged pair by pair, always the lowest-ranked adjacent pair first (leftmost on a
 * tie), and counts its remaining parts. {@code BpeTableTest} checks it against jtokkit.
 */
final class BpeTable {

    /** o200k_base's split pattern (gpt-4o and newer), as tiktoken and jtokkit define it. */
    static final String O200K_PATTERN = String.join("|",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "\\p{N}{1,3}",
            " ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*",
            "\\s*[\\r\\n]+",
            "\\s+(?!\\S)",
            "\\s+");

    /** cl100k_base's split pattern (gpt-4, gpt-3.5), as tiktoken defines it. */
    static final String CL100K_PATTERN =
            "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+";

    private static final int NONE = Integer.MAX_VALUE;

    private final String name;
    private final Pattern pattern;
    /** Token {@code i}'s bytes are {@code bytes[start[i] .. start[i + 1])}, its rank {@code ranks[i]}. */
    private final byte[] bytes;
    private final int[] start;
    private final int[] ranks;
    /** Open addressing: {@code index + 1} of the token stored in a slot, 0 for an empty slot. */
    private final int[] slots;

    private BpeTable(String name, Pattern pattern, byte[] bytes, int[] start, int[] ranks) {
        this.name = name;
        this.pattern = pattern;
        this.bytes = bytes;
        this.start = start;
        this.ranks = ranks;
        int size = Integer.highestOneBit(Math.max(2, ranks.length) * 2) * 2;
        this.slots = new int[size];
        for (int i = 0; i < ranks.length; i++) {
            int slot = hash(bytes, start[i], start[i + 1] - start[i]) & (size - 1);
            while (slots[slot] != 0) {
                slot = (slot + 1) & (size - 1);
            }
            slots[slot] = i + 1;
        }
    }

    static BpeTable o200k() {
        return load("o200k_base", O200K_PATTERN);
    }

    static BpeTable cl100k() {
        return load("cl100k_base", CL100K_PATTERN);
    }

    /** Reads {@code <name>.tiktoken} (lines of base64 token and rank) from jtokkit's jar. */
    static BpeTable load(String name, String regex) {
        String resource = "/com/knuddels/jtokkit/" + name + ".tiktoken";
        try (InputStream in = BpeTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            byte[] all = new byte[1 << 20];
            int[] starts = new int[1 << 16];
            int[] rankOf = new int[1 << 16];
            int count = 0;
            int length = 0;
            Base64.Decoder base64 = Base64.getDecoder();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                int space = line.indexOf(' ');
                if (space < 0) {
                    continue;
                }
                byte[] token = base64.decode(line.substring(0, space));
                if (count + 1 >= starts.length) {
                    starts = Arrays.copyOf(starts, starts.length * 2);
                    rankOf = Arrays.copyOf(rankOf, rankOf.length * 2);
                }
                if (length + token.length > all.length) {
                    all = Arrays.copyOf(all, Math.max(all.length * 2, length + token.length));
                }
                System.arraycopy(token, 0, all, length, token.length);
                starts[count] = length;
                rankOf[count] = Integer.parseInt(line.substring(space + 1).trim());
                length += token.length;
                count++;
            }
            starts[count] = length;
            return new BpeTable(name, compile(regex), Arrays.copyOf(all, length), Arrays.copyOf(starts, count + 1),
                    Arrays.copyOf(rankOf, count));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Pattern compile(String regex) {
        try {
            return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
        } catch (IllegalArgumentException e) {
            return Pattern.compile(regex);
        }
    }

    String name() {
        return name;
    }

    int size() {
        return ranks.length;
    }

    /** Ordinary tokens of {@code text}: special-token markup such as {@code <|endoftext|>} counts as text. */
    int count(String text) {
        int tokens = 0;
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            byte[] piece = m.group().getBytes(StandardCharsets.UTF_8);
            tokens += rank(piece, 0, piece.length) != NONE ? 1 : mergedParts(piece);
        }
        return tokens;
    }

    /** The rank of {@code piece[from .. from + length)} as one token, or {@link #NONE}. */
    private int rank(byte[] piece, int from, int length) {
        int mask = slots.length - 1;
        for (int slot = hash(piece, from, length) & mask; slots[slot] != 0; slot = (slot + 1) & mask) {
            int i = slots[slot] - 1;
            if (start[i + 1] - start[i] == length
                    && Arrays.equals(bytes, start[i], start[i + 1], piece, from, from + length)) {
                return ranks[i];
            }
        }
        return NONE;
    }

    /**
     * Byte-pair merging of a piece that is not a token: parts start as single bytes, the adjacent pair
     * whose concatenation has the lowest rank merges first, until no pair is a token. O(n log n) with a
     * heap, so a long run of one character costs no more than its length.
     */
    private int mergedParts(byte[] piece) {
        int n = piece.length;
        int[] next = new int[n + 1];
        int[] prev = new int[n + 1];
        int[] pairRank = new int[n + 1];
        boolean[] merged = new boolean[n + 1];
        for (int i = 0; i <= n; i++) {
            next[i] = Math.min(i + 1, n);
            prev[i] = i - 1;
        }
        PriorityQueue<Long> heap = new PriorityQueue<>();
        for (int i = 0; i < n; i++) {
            requeue(piece, next, pairRank, heap, i);
        }
        int parts = n;
        while (!heap.isEmpty()) {
            long top = heap.poll();
            int i = (int) top;
            int r = (int) (top >>> 32);
            if (merged[i] || pairRank[i] != r) {
                continue; // stale: this part was merged away or its pair changed since
            }
            int j = next[i];
            merged[j] = true;
            next[i] = next[j];
            prev[next[j]] = i;
            parts--;
            requeue(piece, next, pairRank, heap, i);
            if (prev[i] >= 0) {
                requeue(piece, next, pairRank, heap, prev[i]);
            }
        }
        return parts;
    }

    /** Records the rank of part {@code k}'s pair after a merge beside it, queued as (rank, position). */
    private void requeue(byte[] piece, int[] next, int[] pairRank, PriorityQueue<Long> heap, int k) {
        pairRank[k] = pairRank(piece, next, k);
        if (pairRank[k] != NONE) {
            heap.add(((long) pairRank[k] << 32) | k);
        }
    }

    /** Rank of the part starting at {@code i} joined with the part after it, or {@link #NONE}. */
    private int pairRank(byte[] piece, int[] next, int i) {
        int j = next[i];
        int n = piece.length;
        if (j >= n) {
            return NONE;
        }
        return rank(piece, i, next[j] - i);
    }

    private static int hash(byte[] b, int from, int length) {
        int h = 0x811c9dc5;
        for (int k = from; k < from + length; k++) {
            h = (h ^ (b[k] & 0xff)) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }
}
