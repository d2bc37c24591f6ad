package io.turnkit.ice.agent;

import static io.turnkit.ice.agent.IceAgentTest.LIMIT;
import static io.turnkit.ice.agent.IceAgentTest.bothIn;
import static io.turnkit.ice.agent.IceAgentTest.config;
import static io.turnkit.ice.agent.IceAgentTest.connected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;

/** RFC 7675: consent checks every 5 s ±20%, disconnected after a few silent seconds, failed after 30. */
class ConsentFreshnessTest {
    private static BackToBack completed() {
        BackToBack net = connected(config(IceRole.CONTROLLING, 1).build(), config(IceRole.CONTROLLED, 2).build());
        net.runUntil(() -> bothIn(net, IceConnectionState.COMPLETED), LIMIT);
        return net;
    }

    private static List<Long> requestTimesAfter(BackToBack net, String name, long start) {
        return net.sentBy(name).stream().filter(p -> p.isBindingRequest() && p.sentNanos() > start)
            .map(BackToBack.Packet::sentNanos).toList();
    }

    @Test
    void shouldCheckConsentEveryFourToSixSecondsAtRandom() {
        BackToBack net = completed();
        long start = net.now;

        net.run(Duration.ofSeconds(60));

        List<Long> times = requestTimesAfter(net, "a", start);
        assertTrue(times.size() >= 10 && times.size() <= 15, "consent checks in a minute: " + times.size());
        long shortest = Long.MAX_VALUE;
        long longest = 0;
        for (int i = 1; i < times.size(); i++) {
            long gap = times.get(i) - times.get(i - 1);
            shortest = Math.min(shortest, gap);
            longest = Math.max(longest, gap);
        }
        assertTrue(shortest >= Duration.ofSeconds(4).toNanos(), "shortest gap " + shortest);
        assertTrue(longest <= Duration.ofSeconds(6).toNanos(), "longest gap " + longest);
        assertTrue(longest - shortest > Duration.ofMillis(100).toNanos(), "the interval is randomised");
        assertEquals(IceConnectionState.COMPLETED, net.agent("a").state());
        assertEquals(IceConnectionState.COMPLETED, net.agent("b").state());
    }

    @Test
    void shouldReportDisconnectedWhenResponsesStopAndConnectedWhenTheyResume() {
        BackToBack net = completed();
        net.blocked = p -> true;
        long blockedAt = net.now;

        net.runUntil(() -> net.agent("a").state() == IceConnectionState.DISCONNECTED, LIMIT);
        long disconnectedAfter = net.now - blockedAt;
        net.blocked = p -> false;
        net.runUntil(() -> net.agent("a").state() == IceConnectionState.COMPLETED, LIMIT);

        assertTrue(disconnectedAfter <= Duration.ofSeconds(8).toNanos(), "disconnected after " + disconnectedAfter);
        assertTrue(net.now - blockedAt < Duration.ofSeconds(30).toNanos(), "recovered before consent expired");
        List<IceConnectionState> states = net.states("a");
        assertEquals(List.of(IceConnectionState.DISCONNECTED, IceConnectionState.COMPLETED),
            states.subList(states.size() - 2, states.size()));
        assertTrue(net.agent("a").send(1, Unpooled.wrappedBuffer(new byte[] {(byte) 0x80}), net.now));
    }

    @Test
    void shouldFailAndStopSendingWhenConsentIsLostForThirtySeconds() {
        BackToBack net = completed();
        long lastResponse = net.sentBy("b").stream().filter(p -> p.isStun() && p.stun().isSuccessResponse())
            .mapToLong(BackToBack.Packet::sentNanos).max().orElseThrow() + BackToBack.LATENCY.toNanos();
        net.blocked = p -> true;

        net.runUntil(() -> net.agent("a").state() == IceConnectionState.FAILED, LIMIT);
        long lostAfter = net.now - lastResponse;
        net.blocked = p -> false;
        net.run(Duration.ofSeconds(20));

        assertTrue(lostAfter >= Duration.ofSeconds(30).toNanos() && lostAfter < Duration.ofSeconds(31).toNanos(),
            "consent lost after " + lostAfter);
        assertEquals(IceConnectionState.FAILED, net.agent("a").state(), "lost consent does not come back");
        assertFalse(net.agent("a").send(1, Unpooled.wrappedBuffer(new byte[] {(byte) 0x80}), net.now));
        assertTrue(net.states("a").contains(IceConnectionState.DISCONNECTED), "disconnected on the way");
    }
}
