package io.turnkit.perf.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A small run of each mode of the ICE benchmark: every pair connects and the figures are there. */
class IceScaleTest {
    private static final int PAIRS = 50;

    @Test
    void shouldConnectEveryPairThroughTheSimulator() {
        IceScale.Result result = new SimulatedPairs(PAIRS).run();
        assertEquals(PAIRS, result.connected());
        assertTrue(result.checks() >= 2L * PAIRS, "checks counted: " + result.checks());
        assertTrue(result.heapBytesPerSession() > 0, () -> result.format("sim", PAIRS));
    }

    @Test
    void shouldConnectEveryPairThroughTheOnePortMux() throws Exception {
        IceScale.Result result = new MuxPairs(PAIRS).run();
        assertEquals(PAIRS, result.connected(), () -> result.format("mux", PAIRS));
        assertTrue(result.format("mux", PAIRS).contains("time to selected pair: p50"));
    }
}
