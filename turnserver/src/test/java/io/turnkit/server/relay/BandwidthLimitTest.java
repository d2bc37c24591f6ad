package io.turnkit.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BandwidthLimitTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldAdmitEverythingWithoutALimit() {
        BandwidthLimit limit = new BandwidthLimit(0, 0);
        for (int i = 0; i < 1000; i++) {
            assertTrue(limit.admit(65_535, i));
        }
    }

    @Test
    void shouldTotalWhatItLetsThroughOnly() {
        BandwidthLimit limit = new BandwidthLimit(1000, 0);
        limit.admit(600, 0);
        limit.admit(600, 0);
        limit.admit(400, 0);

        assertEquals(1000, limit.bytes(), "the 600 bytes over the limit were dropped");
        assertEquals(2, limit.packets());
    }

    @Test
    void shouldAdmitOneSecondsWorthThenDrop() {
        BandwidthLimit limit = new BandwidthLimit(1000, 0);
        assertTrue(limit.admit(600, 0));
        assertTrue(limit.admit(400, 0));
        assertFalse(limit.admit(1, 0));
    }

    @Test
    void shouldRefillAtTheConfiguredRate() {
        BandwidthLimit limit = new BandwidthLimit(1000, 0);
        assertTrue(limit.admit(1000, 0));
        assertFalse(limit.admit(500, SECOND / 4));
        assertTrue(limit.admit(500, SECOND / 2));
        assertFalse(limit.admit(1, SECOND / 2));
    }

    @Test
    void shouldNotSaveUpMoreThanOneSecond() {
        BandwidthLimit limit = new BandwidthLimit(1000, 0);
        assertTrue(limit.admit(1000, 60 * SECOND));
        assertFalse(limit.admit(1, 60 * SECOND));
    }
}
