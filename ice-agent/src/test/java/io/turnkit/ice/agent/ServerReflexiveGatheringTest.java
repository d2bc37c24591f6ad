package io.turnkit.ice.agent;

import static io.turnkit.ice.agent.IceAgentTest.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.turnkit.ice.stun.TransactionTimers;

/** RFC 8445 §5.1.1.2: a Binding request from each host socket to each STUN server, retransmitted per RFC 8489. */
class ServerReflexiveGatheringTest {
    private static final String SERVER = "192.0.2.100:3478";

    private static BackToBack behindNat(TransactionTimers timers) {
        BackToBack net = new BackToBack();
        net.add("a", config(IceRole.CONTROLLING, 1).transactionTimers(timers).build());
        net.add("b", config(IceRole.CONTROLLED, 2).build());
        net.signalling.put("a", false);
        net.stunServer(SERVER);
        net.socket("a", 1, "10.0.0.1", 5000, 1);
        net.translate("10.0.0.1:5000", "203.0.113.1:6000");
        net.agent("a").addStunServer(BackToBack.parse(SERVER), net.now);
        net.agent("a").endOfLocalSockets();
        return net;
    }

    @Test
    void shouldSignalAServerReflexiveCandidateThenEndOfCandidates() {
        BackToBack net = behindNat(TransactionTimers.RFC_8489);

        net.runUntil(() -> !net.events("a", IceEvent.GatheringComplete.class).isEmpty(), Duration.ofSeconds(5));

        List<Candidate> candidates = net.events("a", IceEvent.LocalCandidate.class).stream()
            .map(IceEvent.LocalCandidate::candidate).toList();
        assertEquals(2, candidates.size());
        Candidate srflx = candidates.get(1);
        assertEquals(CandidateType.SERVER_REFLEXIVE, srflx.type());
        assertEquals(BackToBack.parse("203.0.113.1:6000"), srflx.address());
        assertEquals(BackToBack.parse("10.0.0.1:5000"), srflx.relatedAddress());
        assertEquals(Candidate.priority(CandidateType.SERVER_REFLEXIVE, 65535, 1), srflx.priority());
        assertTrue(srflx.priority() < candidates.get(0).priority());
        assertTrue(!srflx.foundation().equals(candidates.get(0).foundation()));
    }

    @Test
    void shouldRetransmitGatheringRequestsWithTheConfiguredTimers() {
        TransactionTimers timers = TransactionTimers.of(Duration.ofMillis(200), 4, 2);
        BackToBack net = behindNat(timers);
        net.blocked = p -> true;
        long start = net.now;

        net.runUntil(() -> !net.events("a", IceEvent.GatheringComplete.class).isEmpty(), Duration.ofSeconds(10));

        List<Long> sends = net.sentBy("a").stream().map(p -> Duration.ofNanos(p.sentNanos() - start).toMillis())
            .toList();
        assertEquals(List.of(0L, 200L, 600L, 1400L), sends);
        // Rm = 2: the transaction ends 2 RTOs after the 4th request.
        assertEquals(1800, Duration.ofNanos(net.now - start).toMillis());
        assertEquals(1, net.events("a", IceEvent.LocalCandidate.class).size(), "only the host candidate");
    }

    @Test
    void shouldUseTheRfc8489DefaultsOfThirtyNineAndAHalfSeconds() {
        assertEquals(TransactionTimers.RFC_8489, TransactionTimers.of(Duration.ofMillis(500), 7, 16));
    }
}
