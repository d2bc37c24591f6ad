package io.turnkit.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class EnumCountersTest {
    @Test
    void shouldCountEachResultSeparately() {
        EnumCounters<StunValidation> counters = new EnumCounters<>(StunValidation.class);
        counters.increment(StunValidation.BAD_FINGERPRINT);
        counters.increment(StunValidation.BAD_FINGERPRINT);
        counters.increment(StunValidation.NOT_STUN);
        assertEquals(2, counters.get(StunValidation.BAD_FINGERPRINT));
        assertEquals(1, counters.get(StunValidation.NOT_STUN));
        assertEquals(0, counters.get(StunValidation.VALID));
        assertEquals(3, counters.total());
    }

    @Test
    void shouldPublishCountsToAnotherThread() throws InterruptedException {
        EnumCounters<StunValidation> counters = new EnumCounters<>(StunValidation.class);
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 100_000; i++) {
                counters.increment(StunValidation.VALID);
            }
        });
        AtomicLong seen = new AtomicLong();
        writer.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (seen.get() < 100_000 && System.nanoTime() < deadline) {
            seen.set(counters.get(StunValidation.VALID));
        }
        writer.join(10_000);
        assertEquals(100_000, seen.get());
    }
}
