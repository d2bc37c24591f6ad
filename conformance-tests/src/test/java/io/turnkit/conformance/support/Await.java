package io.turnkit.conformance.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting for a condition another process brings about (a key in Redis, a relay closed): polled every
 * {@value #POLL_MILLIS} ms until it holds, failing the test at a deadline, so a wait is never a fixed sleep and
 * never unbounded.
 */
public final class Await {
    private static final long POLL_MILLIS = 100;
    private static final long POLL_NANOS = Duration.ofMillis(POLL_MILLIS).toNanos();

    private Await() {
    }

    /** Waits until {@code condition} holds; fails with {@code what} and the limit if it does not within it. */
    public static void within(Duration limit, BooleanSupplier condition, String what) {
        within(limit, condition, () -> what);
    }

    /** As {@link #within(Duration, BooleanSupplier, String)}, with a message made only if the wait fails. */
    public static void within(Duration limit, BooleanSupplier condition, Supplier<String> what) {
        until(System.nanoTime() + limit.toNanos(), condition, () -> what.get() + ": not within " + limit);
    }

    /** Waits until {@code condition} holds; fails with {@code what} once {@code System.nanoTime()} passes it. */
    public static void until(long deadlineNanos, BooleanSupplier condition, String what) {
        until(deadlineNanos, condition, () -> what);
    }

    private static void until(long deadlineNanos, BooleanSupplier condition, Supplier<String> what) {
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadlineNanos < 0, what);
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
