package dev.companion.gateway.events;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a message's {@code message.complete} behind its text. Chunks travel on chat.stream, the completion
 * on chat.events (#14): two topics, so one poll may hand the completion over before the last chunks.
 * chat-service writes the completion only after Kafka acknowledged the last chunk, and the chunks together
 * are the full text, so the fan-out counts the text it delivered per message and holds a completion until
 * that count reaches {@code fullContent}'s length, or for {@code maxHoldMillis} at most (a gateway that
 * joined mid-answer never sees the first chunks). A message none of whose chunks this replica saw is not
 * held: there is nothing to keep it behind.
 *
 * <p>Used by the fan-out's one thread only; not thread-safe.
 */
final class StreamOrder {

    /** A completion waiting for its text: what to deliver to whom, and since when. */
    record Held(String userId, String clientMessage, long sinceMillis) {
    }

    private static final class Progress {
        long length;
        long touchedMillis;
    }

    private final long maxHoldMillis;
    private final long forgetAfterMillis;
    private final Map<String, Progress> delivered = new HashMap<>();
    private final Map<String, Held> held = new LinkedHashMap<>();
    private final Map<String, Long> expected = new HashMap<>();

    StreamOrder(long maxHoldMillis, long forgetAfterMillis) {
        this.maxHoldMillis = maxHoldMillis;
        this.forgetAfterMillis = forgetAfterMillis;
    }

    /** A chunk of {@code messageId} with {@code length} characters was delivered; returns its completion if that was the wait. */
    Held chunkDelivered(String messageId, int length, long nowMillis) {
        Progress p = delivered.computeIfAbsent(messageId, id -> new Progress());
        p.length += length;
        p.touchedMillis = nowMillis;
        Long want = expected.get(messageId);
        if (want != null && p.length >= want) {
            return release(messageId);
        }
        return null;
    }

    /**
     * A completion arrived: true when it may be delivered now (its text is all delivered, or this replica saw
     * none of it); false when it is held, to come back from {@link #chunkDelivered} or {@link #due}.
     */
    boolean completeArrived(String messageId, int fullLength, Held completion) {
        Progress p = delivered.get(messageId);
        if (p == null || p.length >= fullLength) {
            delivered.remove(messageId);
            return true;
        }
        expected.put(messageId, (long) fullLength);
        held.put(messageId, completion);
        return false;
    }

    /** Completions held longer than the limit, oldest first; and forgets the text counts of long-quiet messages. */
    List<Held> due(long nowMillis) {
        List<Held> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, Held>> it = held.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Held> e = it.next();
            if (nowMillis - e.getValue().sinceMillis() < maxHoldMillis) {
                break; // insertion order is arrival order
            }
            it.remove();
            expected.remove(e.getKey());
            delivered.remove(e.getKey());
            out.add(e.getValue());
        }
        delivered.values().removeIf(p -> nowMillis - p.touchedMillis > forgetAfterMillis);
        return out;
    }

    boolean holding() {
        return !held.isEmpty();
    }

    /** Messages whose text is being counted (live answers seen by this replica). */
    int tracked() {
        return delivered.size();
    }

    private Held release(String messageId) {
        expected.remove(messageId);
        delivered.remove(messageId);
        return held.remove(messageId);
    }
}
