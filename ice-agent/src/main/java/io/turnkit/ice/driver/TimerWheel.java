package io.turnkit.ice.driver;

import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The timers of every agent on one event loop: a hashed wheel of {@link #SLOTS} slots of {@link #TICK_NANOS}, turned
 * by one periodic task of the loop while any timer is set. An agent owns one {@link Timeout} for its life and moves
 * it from slot to slot, so arming, re-arming and cancelling allocate nothing and cost O(1), where a task per agent
 * would put a new entry in the loop's heap of scheduled tasks at every re-arm (with ten thousand agents, each
 * re-arming after every check, that heap is the loop's busiest structure).
 *
 * <p>A timeout never runs early: its deadline is rounded up to the next tick, so it runs up to one tick late. A
 * deadline already passed runs at once, on the loop's next turn. A deadline more than a revolution away stays in its
 * slot for later revolutions (each slot entry remembers its tick).
 *
 * <p>Not thread-safe: only the loop's own thread touches the wheel and its timeouts.
 */
final class TimerWheel {
    /** 5 ms: a twentieth of Ta (RFC 8445 §14.2, 50 ms), so the pacing of checks barely moves. */
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** A power of two; 1,024 ticks of 5 ms are a revolution of 5.12 s, about the consent interval (RFC 7675 §5.1). */
    static final int SLOTS = 1024;
    private static final int MASK = SLOTS - 1;

    private final EventLoop loop;
    private final long origin = System.nanoTime();
    private final Timeout[] slots = new Timeout[SLOTS];
    private final Runnable turn = this::turn;
    /** Timeouts whose deadline had passed when they were set: run at the loop's next turn. */
    private Timeout due;
    private boolean turnQueued;
    /** Every tick up to this one has run. */
    private long lastTick;
    private int size;
    private ScheduledFuture<?> ticking;

    TimerWheel(EventLoop loop) {
        this.loop = loop;
        this.lastTick = tickOf(origin);
    }

    EventLoop eventLoop() {
        return loop;
    }

    /** The timeouts set. */
    int size() {
        return size;
    }

    /** Whether the periodic task turns the wheel: only while a timeout is set. */
    boolean isTicking() {
        return ticking != null;
    }

    /**
     * Sets {@code timeout} to run at {@code deadlineNanos} ({@link System#nanoTime()}), moving it if it was set;
     * {@link Long#MAX_VALUE} cancels it, {@link Long#MIN_VALUE} (or any past deadline) runs it at once.
     */
    void set(Timeout timeout, long deadlineNanos, long nowNanos) {
        cancel(timeout);
        if (deadlineNanos == Long.MAX_VALUE) {
            return;
        }
        timeout.deadline = deadlineNanos;
        size++;
        if (deadlineNanos == Long.MIN_VALUE || deadlineNanos - nowNanos <= 0) {
            timeout.tick = Long.MIN_VALUE;
            due = timeout.linkBefore(due);
            if (!turnQueued) {
                turnQueued = true;
                loop.execute(turn);
            }
            return;
        }
        // Rounded up, so that the tick that runs it is never before the deadline.
        timeout.tick = Math.max(lastTick + 1, tickOf(deadlineNanos - 1) + 1);
        int slot = (int) (timeout.tick & MASK);
        slots[slot] = timeout.linkBefore(slots[slot]);
        if (ticking == null) {
            ticking = loop.scheduleAtFixedRate(turn, TICK_NANOS, TICK_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    /** Unsets {@code timeout}; nothing when it is not set. */
    void cancel(Timeout timeout) {
        if (!timeout.set) {
            return;
        }
        if (timeout.tick == Long.MIN_VALUE) {
            due = timeout.unlink(due);
        } else {
            int slot = (int) (timeout.tick & MASK);
            slots[slot] = timeout.unlink(slots[slot]);
        }
        size--;
    }

    private long tickOf(long nanos) {
        return Math.floorDiv(nanos - origin, TICK_NANOS);
    }

    private void turn() {
        turnQueued = false;
        // Each list is taken whole before its timeouts run: one that sets itself again (even to a deadline already
        // passed) goes to a list of the next turn, so a turn always ends.
        Timeout ready = due;
        due = null;
        runAll(ready, Long.MAX_VALUE);
        long current = tickOf(System.nanoTime());
        // After a stall longer than a revolution, one pass over every slot finds all that is due.
        for (long tick = Math.max(lastTick + 1, current - MASK); tick <= current; tick++) {
            int slot = (int) (tick & MASK);
            Timeout list = slots[slot];
            slots[slot] = null;
            runAll(list, current);
        }
        lastTick = Math.max(lastTick, current);
        if (size == 0 && ticking != null) {
            ticking.cancel(false);
            ticking = null;
        }
    }

    /** Runs the timeouts of a list taken from its slot whose tick is at most {@code current}; puts the others back. */
    private void runAll(Timeout list, long current) {
        Timeout t = list;
        while (t != null) {
            Timeout next = t.next;
            t.prev = null;
            t.next = null;
            t.set = false;
            if (t.tick != Long.MIN_VALUE && t.tick > current) {
                int slot = (int) (t.tick & MASK);
                slots[slot] = t.linkBefore(slots[slot]);
            } else {
                size--;
                t.expire(System.nanoTime());
            }
            t = next;
        }
    }

    /**
     * One timer, set on one wheel at a time, as a node of its slot's list. {@link #expire} runs on the loop and may
     * set or cancel this timeout again, but no other (a turn holds the lists it is running).
     */
    abstract static class Timeout {
        private Timeout prev;
        private Timeout next;
        private long tick;
        private long deadline;
        private boolean set;

        /** The deadline it was last set to. */
        final long deadline() {
            return deadline;
        }

        /** Whether it is set and has not run yet. */
        final boolean isSet() {
            return set;
        }

        protected abstract void expire(long nowNanos);

        private Timeout linkBefore(Timeout head) {
            prev = null;
            next = head;
            if (head != null) {
                head.prev = this;
            }
            set = true;
            return this;
        }

        /** Takes this out of the list of {@code head}; the list's head after. */
        private Timeout unlink(Timeout head) {
            Timeout newHead = head == this ? next : head;
            if (prev != null) {
                prev.next = next;
            }
            if (next != null) {
                next.prev = prev;
            }
            prev = null;
            next = null;
            set = false;
            return newHead;
        }
    }
}
