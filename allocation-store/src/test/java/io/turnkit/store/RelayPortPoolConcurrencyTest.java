package io.turnkit.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

class RelayPortPoolConcurrencyTest {
    private static final int MIN_PORT = 40000;
    private static final int MAX_PORT = 40063;
    private static final int THREADS = 4;
    private static final int OPERATIONS_PER_THREAD = 50_000;
    private static final int MAX_HELD_PER_THREAD = 12;
    private static final long RUN_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(15);

    private final RelayPortPool pool = new RelayPortPool(MIN_PORT, MAX_PORT);
    // How many threads believe they hold each port: never more than one.
    private final AtomicIntegerArray holders = new AtomicIntegerArray(MAX_PORT - MIN_PORT + 1);
    private final Queue<String> violations = new ConcurrentLinkedQueue<>();

    @Test
    void shouldNeverHandOnePortToTwoHoldersAndEndWithEveryPortFree() throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            long seed = 1000 + t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    churn(new SplittableRandom(seed));
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "port-pool-churn-" + t);
            threads.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(thread.isAlive(), thread.getName() + " did not finish");
        }

        assertEquals(List.of(), List.copyOf(failures));
        assertEquals(List.of(), List.copyOf(violations));
        assertEquals(pool.capacity(), pool.available());
        assertEquals(pool.capacity(), RelayPortPoolTest.drain(pool).size(), "every free port is in the free list");
    }

    private void churn(SplittableRandom random) {
        List<Integer> held = new ArrayList<>();
        long deadline = System.nanoTime() + RUN_LIMIT_NANOS;
        for (int i = 0; i < OPERATIONS_PER_THREAD && System.nanoTime() - deadline < 0; i++) {
            if (held.size() >= MAX_HELD_PER_THREAD || (!held.isEmpty() && random.nextInt(3) == 0)) {
                release(held.remove(random.nextInt(held.size())));
                continue;
            }
            switch (random.nextInt(4)) {
                case 0 -> hold(pool.acquire(), held);
                case 1 -> hold(pool.acquireEven(), held);
                case 2 -> {
                    int port = pool.acquireEvenPair();
                    if (port != -1) {
                        hold(port, held);
                        hold(port + 1, held);
                    }
                }
                default -> {
                    int port = MIN_PORT + random.nextInt(pool.capacity());
                    if (pool.acquireSpecific(port)) {
                        hold(port, held);
                    }
                }
            }
        }
        for (int port : held) {
            release(port);
        }
    }

    private void hold(int port, List<Integer> held) {
        if (port == -1) {
            return;
        }
        if (holders.incrementAndGet(port - MIN_PORT) != 1) {
            violations.add("port " + port + " handed to two holders");
        }
        held.add(port);
    }

    private void release(int port) {
        holders.decrementAndGet(port - MIN_PORT);
        pool.release(port);
    }
}
