package io.turnkit.ice.sim;

import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Simulated time and the events scheduled on it: the only clock of a {@link VirtualNetwork}, and the one to
 * inject into whatever runs on that network, so that a simulated minute costs milliseconds and a test is the same
 * on every run.
 *
 * <p>Time is a count of nanoseconds from 0. Events run in order of their time; events for the same time run in
 * the order they were scheduled. Nothing moves time but {@link #runUntil}, {@link #advance} and
 * {@link #runUntilIdle}; an event that runs sees {@link #now()} equal to its own time. Single-threaded: the
 * thread that runs the clock is the only one that touches the network.
 */
public final class SimulatedClock {
    private final PriorityQueue<ScheduledEvent> events = new PriorityQueue<>(
            Comparator.comparingLong(ScheduledEvent::time).thenComparingLong(ScheduledEvent::sequence));
    private long now;
    private long sequence;

    /** The current simulated time, in nanoseconds. */
    public long now() {
        return now;
    }

    /** Runs {@code task} {@code delayNanos} from now (0: after what is already scheduled for now). */
    public ScheduledEvent schedule(long delayNanos, Runnable task) {
        if (delayNanos < 0) {
            throw new IllegalArgumentException("an event cannot be scheduled in the past: delay " + delayNanos);
        }
        ScheduledEvent event = new ScheduledEvent(now + delayNanos, sequence++, task);
        events.add(event);
        return event;
    }

    /** Runs {@code task} after {@code delay}. */
    public ScheduledEvent schedule(Duration delay, Runnable task) {
        return schedule(delay.toNanos(), task);
    }

    /**
     * Runs every event due at or before {@code timeNanos}, including those they schedule within that time, then
     * sets the time to {@code timeNanos}. Returns how many events ran.
     */
    public int runUntil(long timeNanos) {
        if (timeNanos < now) {
            throw new IllegalArgumentException("time does not go back: now " + now + ", asked " + timeNanos);
        }
        int ran = 0;
        while (!events.isEmpty() && events.peek().time() <= timeNanos) {
            if (runNext()) {
                ran++;
            }
        }
        now = timeNanos;
        return ran;
    }

    /** Runs what is due within {@code duration} from now and moves the time on by it. */
    public int advance(Duration duration) {
        return runUntil(now + duration.toNanos());
    }

    /**
     * Runs events, moving the time to each in turn, until none is left; returns how many ran. A network with a
     * periodic task (a keepalive) is never idle: after {@code limit} events this throws rather than loop on.
     *
     * @throws IllegalStateException when events are still scheduled after {@code limit} have run
     */
    public int runUntilIdle(int limit) {
        int ran = 0;
        while (!events.isEmpty()) {
            if (ran == limit) {
                throw new IllegalStateException("still not idle after " + limit + " events, at " + now + " ns");
            }
            if (runNext()) {
                ran++;
            }
        }
        return ran;
    }

    /** Whether no event is scheduled. */
    public boolean isIdle() {
        return events.isEmpty();
    }

    /** Runs the earliest event unless it was cancelled; tells whether it ran. */
    private boolean runNext() {
        ScheduledEvent event = events.poll();
        now = event.time();
        if (event.cancelled) {
            return false;
        }
        event.task.run();
        return true;
    }

    /** An event on the clock, which can be cancelled until it runs. */
    public static final class ScheduledEvent {
        private final long time;
        private final long sequence;
        private final Runnable task;
        private boolean cancelled;

        private ScheduledEvent(long time, long sequence, Runnable task) {
            this.time = time;
            this.sequence = sequence;
            this.task = task;
        }

        /** When it runs, in the clock's nanoseconds. */
        public long time() {
            return time;
        }

        private long sequence() {
            return sequence;
        }

        /** Keeps it from running; no effect once it ran. */
        public void cancel() {
            cancelled = true;
        }
    }
}
