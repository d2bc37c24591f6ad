package io.turnkit.perf.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A small run of the ice4j side of the ICE benchmark: ice4j's agents connect on loopback and the figures are there. */
class Ice4jPairsTest {
    private static final int PAIRS = 5;

    @Test
    void shouldConnectEveryIce4jPairOnLoopback() throws Exception {
        IceScale.Result result = new Ice4jPairs(PAIRS).run();
        String figures = result.format("ice4j", PAIRS);
        assertEquals(PAIRS, result.connected(), figures);
        assertTrue(figures.contains("time to selected pair: p50"), figures);
        assertTrue(result.heapBytesPerSession() > 0, figures);
    }
}
