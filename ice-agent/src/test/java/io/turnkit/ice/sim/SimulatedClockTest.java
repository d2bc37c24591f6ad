package io.turnkit.ice.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SimulatedClockTest {
    private final SimulatedClock clock = new SimulatedClock();
    private final List<String> ran = new ArrayList<>();

    @Test
    void shouldTellTheTimeOfTheEarliestEventStillToRun() {
        assertEquals(Long.MAX_VALUE, clock.nextEventTime(), "nothing scheduled");
        SimulatedClock.ScheduledEvent first = clock.schedule(Duration.ofMillis(10), () -> ran.add("a"));
        clock.schedule(Duration.ofMillis(30), () -> ran.add("b"));

        assertEquals(Duration.ofMillis(10).toNanos(), clock.nextEventTime());
        first.cancel();
        assertEquals(Duration.ofMillis(30).toNanos(), clock.nextEventTime(), "a cancelled event is not next");
        clock.runUntil(Duration.ofMillis(30).toNanos());
        assertEquals(Long.MAX_VALUE, clock.nextEventTime());
        assertEquals(List.of("b"), ran);
    }

    @Test
    void shouldRunEventsInOrderOfTimeAndEqualTimesInOrderOfScheduling() {
        clock.schedule(Duration.ofMillis(20), () -> ran.add("b@20"));
        clock.schedule(Duration.ofMillis(10), () -> ran.add("a@10"));
        clock.schedule(Duration.ofMillis(20), () -> ran.add("c@20"));
        clock.schedule(Duration.ofMillis(20), () -> ran.add("d@20"));

        assertEquals(4, clock.runUntilIdle(100));

        assertEquals(List.of("a@10", "b@20", "c@20", "d@20"), ran);
        assertEquals(Duration.ofMillis(20).toNanos(), clock.now());
    }

    @Test
    void shouldShowEachEventItsOwnTime() {
        List<Long> seen = new ArrayList<>();
        clock.schedule(Duration.ofSeconds(3), () -> seen.add(clock.now()));
        clock.schedule(Duration.ofSeconds(1), () -> seen.add(clock.now()));

        clock.runUntilIdle(10);

        assertEquals(List.of(Duration.ofSeconds(1).toNanos(), Duration.ofSeconds(3).toNanos()), seen);
    }

    @Test
    void shouldRunOnlyWhatIsDueAndThenStandAtTheAskedTime() {
        clock.schedule(Duration.ofSeconds(1), () -> ran.add("1s"));
        clock.schedule(Duration.ofSeconds(5), () -> ran.add("5s"));

        assertEquals(1, clock.advance(Duration.ofSeconds(2)));

        assertEquals(List.of("1s"), ran);
        assertEquals(Duration.ofSeconds(2).toNanos(), clock.now());
        assertTrue(!clock.isIdle());
    }

    @Test
    void shouldRunEventsScheduledByEventsWithinTheSameRun() {
        clock.schedule(Duration.ofMillis(1), () -> clock.schedule(Duration.ofMillis(1), () -> ran.add("nested")));

        clock.runUntil(Duration.ofMillis(2).toNanos());

        assertEquals(List.of("nested"), ran);
    }

    @Test
    void shouldNotRunACancelledEvent() {
        SimulatedClock.ScheduledEvent event = clock.schedule(Duration.ofMillis(5), () -> ran.add("cancelled"));
        clock.schedule(Duration.ofMillis(6), () -> ran.add("kept"));
        event.cancel();

        assertEquals(1, clock.runUntilIdle(10));

        assertEquals(List.of("kept"), ran);
    }

    @Test
    void shouldStopAPeriodicTaskThatNeverGoesIdleAtTheLimit() {
        clock.schedule(0, new Keepalive());

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> clock.runUntilIdle(50));

        assertTrue(e.getMessage().contains("not idle after 50 events"), e.getMessage());
    }

    /** A task that schedules itself again every 20 ms, for ever. */
    private final class Keepalive implements Runnable {
        @Override
        public void run() {
            clock.schedule(Duration.ofMillis(20), this);
        }
    }

    @Test
    void shouldRefuseToGoBackInTime() {
        clock.advance(Duration.ofSeconds(1));

        assertThrows(IllegalArgumentException.class, () -> clock.runUntil(0));
        assertThrows(IllegalArgumentException.class, () -> clock.schedule(-1, () -> ran.add("past")));
    }
}
