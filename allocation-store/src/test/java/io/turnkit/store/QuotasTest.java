package io.turnkit.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class QuotasTest {

    @Test
    void shouldGrantUpToUserQuota() {
        Quotas quotas = new Quotas(2, 0);

        assertEquals(Quotas.Verdict.GRANTED, quotas.acquire("alice"));
        assertEquals(Quotas.Verdict.GRANTED, quotas.acquire("alice"));
        assertEquals(Quotas.Verdict.USER_QUOTA_EXCEEDED, quotas.acquire("alice"));
    }

    @Test
    void shouldApplyNewLimitsToTheNextRequestAndKeepWhatIsHeld() {
        Quotas quotas = new Quotas(0, 0);
        quotas.acquire("alice");
        quotas.acquire("alice");

        quotas.limit(1, 0);

        assertEquals(Quotas.Verdict.USER_QUOTA_EXCEEDED, quotas.acquire("alice"));
        assertEquals(2, quotas.ofUser("alice"));
        quotas.limit(0, 2);
        assertEquals(Quotas.Verdict.TOTAL_QUOTA_EXCEEDED, quotas.acquire("bob"));
    }

    @Test
    void shouldCountEachUserApart() {
        Quotas quotas = new Quotas(1, 0);
        quotas.acquire("alice");

        assertEquals(Quotas.Verdict.GRANTED, quotas.acquire("bob"));
        assertEquals(1, quotas.ofUser("alice"));
        assertEquals(1, quotas.ofUser("bob"));
    }

    @Test
    void shouldRefuseOverTotalQuota() {
        Quotas quotas = new Quotas(0, 2);
        quotas.acquire("alice");
        quotas.acquire("bob");

        assertEquals(Quotas.Verdict.TOTAL_QUOTA_EXCEEDED, quotas.acquire("carol"));
    }

    @Test
    void shouldCountNothingForRefusedRequest() {
        Quotas quotas = new Quotas(1, 2);
        quotas.acquire("alice");
        quotas.acquire("alice");
        quotas.acquire("bob");
        quotas.acquire("carol");

        assertEquals(2, quotas.total());
        assertEquals(1, quotas.ofUser("alice"));
        assertEquals(0, quotas.ofUser("carol"));
    }

    @Test
    void shouldGrantAgainAfterRelease() {
        Quotas quotas = new Quotas(1, 1);
        quotas.acquire("alice");

        quotas.release("alice");

        assertEquals(0, quotas.total());
        assertEquals(Quotas.Verdict.GRANTED, quotas.acquire("alice"));
    }

    @Test
    void shouldIgnoreReleaseOfUserHoldingNothing() {
        Quotas quotas = new Quotas(1, 1);
        quotas.acquire("alice");

        quotas.release("bob");

        assertEquals(1, quotas.total());
        assertEquals(0, quotas.ofUser("bob"));
    }

    @Test
    void shouldTreatZeroAsNoLimit() {
        Quotas quotas = new Quotas(0, 0);
        for (int i = 0; i < 1000; i++) {
            assertEquals(Quotas.Verdict.GRANTED, quotas.acquire("alice"));
        }

        assertEquals(1000, quotas.ofUser("alice"));
    }

    @Test
    void shouldGrantExactlyUserQuotaToConcurrentRequests() throws InterruptedException {
        Quotas quotas = new Quotas(50, 0);
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < 100; i++) {
                    if (quotas.acquire("alice") == Quotas.Verdict.GRANTED) {
                        granted.incrementAndGet();
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }

        assertEquals(50, granted.get());
        assertEquals(50, quotas.total());
    }
}
