package io.turnkit.perf.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
    private static final double PRECISION = 1.0 / 32;

    @Test
    void shouldReportPercentilesWithinPrecisionAndNeverBelowTheExactValue() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (long micros = 1; micros <= 10_000; micros++) {
            histogram.record(micros * 1_000);
        }
        assertWithin(5_000_000, histogram.valueAt(0.5));
        assertWithin(9_900_000, histogram.valueAt(0.99));
        assertWithin(9_990_000, histogram.valueAt(0.999));
        assertEquals(10_000_000, histogram.valueAt(1.0));
    }

    @Test
    void shouldCountValuesBelowThirtyTwoExactly() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(3);
        histogram.record(7);
        histogram.record(31);
        assertEquals(3, histogram.valueAt(0.2));
        assertEquals(7, histogram.valueAt(0.5));
        assertEquals(31, histogram.valueAt(0.9));
    }

    @Test
    void shouldGiveEachBucketsUpperEdgeBackToThatBucket() {
        for (int bucket = 0; bucket < (Long.SIZE - 5) * 32; bucket++) {
            long edge = LatencyHistogram.highestValueIn(bucket);
            assertEquals(bucket, LatencyHistogram.bucketOf(edge), "upper edge of bucket " + bucket);
            if (edge < Long.MAX_VALUE) {
                assertEquals(bucket + 1, LatencyHistogram.bucketOf(edge + 1), "just above bucket " + bucket);
            }
        }
    }

    @Test
    void shouldAddAnotherHistogramsCountsAndMaximum() {
        LatencyHistogram fast = new LatencyHistogram();
        LatencyHistogram slow = new LatencyHistogram();
        fast.record(1_000);
        slow.record(9_000_000);
        fast.add(slow);
        assertEquals(2, fast.count());
        assertEquals(9_000_000, fast.max());
        assertWithin(1_000, fast.valueAt(0.5));
    }

    @Test
    void shouldAnswerZeroWhenEmptyAndRefuseAQuantileOutsideZeroToOne() {
        LatencyHistogram histogram = new LatencyHistogram();
        assertEquals(0, histogram.valueAt(0.99));
        assertThrows(IllegalArgumentException.class, () -> histogram.valueAt(0));
        assertThrows(IllegalArgumentException.class, () -> histogram.valueAt(1.5));
    }

    @Test
    void shouldCountANegativeValueAsZero() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(-5);
        assertEquals(1, histogram.count());
        assertEquals(0, histogram.valueAt(1.0));
    }

    private static void assertWithin(long exact, long reported) {
        assertTrue(reported >= exact && reported <= exact * (1 + PRECISION),
                "expected " + exact + " to " + (long) (exact * (1 + PRECISION)) + ", got " + reported);
    }
}
