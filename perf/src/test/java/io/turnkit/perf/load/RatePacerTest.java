package io.turnkit.perf.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RatePacerTest {
    private static final long MILLI = 1_000_000;

    @Test
    void shouldReleaseTheRateSpreadOverTicks() {
        RatePacer pacer = new RatePacer(10_000, 0);
        long sent = 0;
        for (long tick = 1; tick <= 1000; tick++) {
            sent += pacer.due(tick * MILLI);
        }
        assertEquals(10_000, sent);
    }

    @Test
    void shouldSendNothingTwiceForTheSameInstant() {
        RatePacer pacer = new RatePacer(10_000, 0);
        assertEquals(10, pacer.due(MILLI));
        assertEquals(0, pacer.due(MILLI));
    }

    @Test
    void shouldForgiveABacklogBeyondOneBurst() {
        RatePacer pacer = new RatePacer(10_000, 0);
        // A one-second stall owes 10,000 packets; at most 10 ms worth go out, the rest is dropped.
        assertEquals(100, pacer.due(1000 * MILLI));
        assertEquals(10, pacer.due(1001 * MILLI));
    }
}
