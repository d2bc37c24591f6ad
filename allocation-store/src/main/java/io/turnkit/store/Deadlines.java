package io.turnkit.store;

/**
 * Comparisons of {@link System#nanoTime()} instants. Such instants may be negative and may wrap, so
 * they are compared by the sign of their difference, never with {@code <} on the raw values.
 */
final class Deadlines {
    private Deadlines() {
    }

    /** Whether the instant {@code deadlineNanos} has been reached at {@code nowNanos}. */
    static boolean passed(long deadlineNanos, long nowNanos) {
        return nowNanos - deadlineNanos >= 0;
    }
}
