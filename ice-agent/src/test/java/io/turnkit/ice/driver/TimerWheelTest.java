package io.turnkit.ice.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;

/** The loop's one timer wheel: never early, at most about a tick late, re-armed and cancelled in place. */
class TimerWheelTest {
    private final EventLoop loop = new DefaultEventLoop();
    private final TimerWheel wheel = new TimerWheel(loop);

    @AfterEach
    void close() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A timeout that records when it ran, relative to the deadline it was set to. */
    private static final class Recording extends TimerWheel.Timeout {
        final List<Long> lateness = new ArrayList<>();
        final CountDownLatch ran;

        Recording(CountDownLatch ran) {
            this.ran = ran;
        }

        @Override
        protected void expire(long nowNanos) {
            lateness.add(nowNanos - deadline());
            ran.countDown();
        }
    }

    @Test
    void shouldRunEachTimeoutOnceNeverBeforeItsDeadline() throws Exception {
        int count = 1_000;
        CountDownLatch ran = new CountDownLatch(count);
        List<Recording> timeouts = new ArrayList<>();
        onLoop(() -> {
            long now = System.nanoTime();
            for (int i = 0; i < count; i++) {
                Recording t = new Recording(ran);
                timeouts.add(t);
                // Spread over 0..300 ms, some past a revolution's worth of slots by index alone.
                wheel.set(t, now + TimeUnit.MICROSECONDS.toNanos(300L * i), now);
            }
            return null;
        });
        assertTrue(ran.await(10, TimeUnit.SECONDS), "not every timeout ran");
        for (Recording t : timeouts) {
            assertEquals(1, t.lateness.size());
            assertTrue(t.lateness.get(0) >= 0, "ran " + -t.lateness.get(0) + " ns early");
        }
        assertTrue(poll(() -> onLoop(() -> wheel.size() == 0 && !wheel.isTicking())), "the wheel keeps ticking");
    }

    @Test
    void shouldRunAPastDeadlineAtOnce() throws Exception {
        CountDownLatch ran = new CountDownLatch(2);
        Recording past = new Recording(ran);
        Recording atOnce = new Recording(ran);
        onLoop(() -> {
            long now = System.nanoTime();
            wheel.set(past, now - 1_000_000, now);
            wheel.set(atOnce, Long.MIN_VALUE, now);
            return null;
        });
        assertTrue(ran.await(1, TimeUnit.SECONDS));
    }

    @Test
    void shouldMoveARearmedTimeoutAndForgetACancelledOne() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        Recording moved = new Recording(ran);
        Recording cancelled = new Recording(new CountDownLatch(1));
        onLoop(() -> {
            long now = System.nanoTime();
            wheel.set(moved, now + TimeUnit.SECONDS.toNanos(60), now);
            wheel.set(moved, now + TimeUnit.MILLISECONDS.toNanos(20), now);
            wheel.set(cancelled, now + TimeUnit.MILLISECONDS.toNanos(10), now);
            wheel.cancel(cancelled);
            assertEquals(1, wheel.size());
            return null;
        });
        assertTrue(ran.await(5, TimeUnit.SECONDS));
        assertTrue(poll(() -> onLoop(() -> wheel.size() == 0)));
        assertEquals(1, moved.lateness.size());
        assertTrue(cancelled.lateness.isEmpty());
        assertFalse(onLoop(cancelled::isSet));
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(5, TimeUnit.SECONDS);
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static boolean poll(Condition condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (condition.holds()) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(1);
        }
        return condition.holds();
    }
}
