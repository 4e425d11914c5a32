package dev.companion.gateway.events;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamOrderTest {

    private final StreamOrder order = new StreamOrder(1000, 60_000);

    @Test
    void aCompletionBehindItsTextGoesAtOnce() {
        assertNull(order.chunkDelivered("m", 3, 0));
        assertNull(order.chunkDelivered("m", 2, 1));
        assertTrue(order.completeArrived("m", 5, new StreamOrder.Held("u", "done", 2)));
        assertEquals(0, order.tracked(), "a finished message is forgotten");
        assertFalse(order.holding());
    }

    @Test
    void aCompletionAheadOfItsTextWaitsForTheLastChunk() {
        order.chunkDelivered("m", 3, 0);
        StreamOrder.Held complete = new StreamOrder.Held("u", "done", 5);
        assertFalse(order.completeArrived("m", 8, complete));
        assertTrue(order.holding());
        assertNull(order.chunkDelivered("m", 2, 6), "5 of 8 characters");
        assertSame(complete, order.chunkDelivered("m", 3, 7), "the chunk that completes the text releases it");
        assertFalse(order.holding());
        assertEquals(0, order.tracked());
    }

    @Test
    void aCompletionWhoseTextNeverComesGoesAfterTheHold() {
        order.chunkDelivered("m", 3, 0);
        StreamOrder.Held complete = new StreamOrder.Held("u", "done", 100);
        assertFalse(order.completeArrived("m", 10, complete));
        assertEquals(List.of(), order.due(1099));
        assertEquals(List.of(complete), order.due(1100));
        assertFalse(order.holding());
    }

    @Test
    void aMessageThisReplicaSawNothingOfIsNotHeld() {
        assertTrue(order.completeArrived("unseen", 40, new StreamOrder.Held("u", "done", 0)));
    }

    @Test
    void quietMessagesAreForgotten() {
        order.chunkDelivered("abandoned", 3, 0);
        order.due(30_000);
        assertEquals(1, order.tracked());
        order.due(60_001);
        assertEquals(0, order.tracked());
    }
}
