package io.turnkit.ice.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RoundTripTimesTest {
    @Test
    void shouldTakePercentilesByNearestRank() {
        long[] nanos = new long[100];
        for (int i = 0; i < 100; i++) {
            nanos[i] = (100 - i) * 1_000_000L;
        }

        RoundTripTimes times = new RoundTripTimes(nanos, 100);

        assertEquals(Duration.ofMillis(50), times.percentile(50));
        assertEquals(Duration.ofMillis(90), times.percentile(90));
        assertEquals(Duration.ofMillis(99), times.percentile(99));
        assertEquals(Duration.ofMillis(100), times.max());
    }

    @Test
    void shouldUseOnlyTheCountedValues() {
        RoundTripTimes times = new RoundTripTimes(new long[] {3, 1, 2, 0, 0}, 3);

        assertEquals(3, times.count());
        assertEquals(Duration.ofNanos(1), times.percentile(1));
        assertEquals(Duration.ofNanos(3), times.max());
    }

    @Test
    void shouldHaveNoPercentileWithoutValues() {
        assertNull(new RoundTripTimes(new long[4], 0).percentile(50));
    }
}
