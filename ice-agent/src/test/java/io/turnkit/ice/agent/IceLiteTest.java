package io.turnkit.ice.agent;

import static io.turnkit.ice.agent.IceAgentTest.LIMIT;
import static io.turnkit.ice.agent.IceAgentTest.bothIn;
import static io.turnkit.ice.agent.IceAgentTest.config;
import static io.turnkit.ice.agent.IceAgentTest.connected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** RFC 8445 §2.5 and §6.1.1: an ICE-lite agent only answers, and the full agent always controls. */
class IceLiteTest {
    @Test
    void shouldConnectAFullAgentToALitePeerAsControlling() {
        BackToBack net = connected(config(IceRole.CONTROLLED, 1).build(),
            config(IceRole.CONTROLLING, 2).lite(true).build());

        net.runUntil(() -> bothIn(net, IceConnectionState.COMPLETED), LIMIT);
        net.run(Duration.ofSeconds(20));

        assertEquals(IceRole.CONTROLLING, net.agent("a").role());
        assertEquals(IceRole.CONTROLLED, net.agent("b").role());
        assertTrue(net.sentBy("b").stream().noneMatch(BackToBack.Packet::isBindingRequest),
            "a lite agent never checks");
        assertEquals(net.selected("a", 1).local(), net.selected("b", 1).remote());
        assertEquals(IceConnectionState.COMPLETED, net.agent("a").state(),
            "the full agent's consent checks are answered");
    }

    @Test
    void shouldCompleteALiteAgentWhosePeerHasCandidatesItNeverHearsFrom() {
        BackToBack net = connected(config(IceRole.CONTROLLED, 1).build(),
            config(IceRole.CONTROLLING, 2).lite(true).build());
        net.agent("b").addRemoteCandidate(Candidate.udp("7", 1, Candidate.priority(CandidateType.HOST, 65000, 1),
            BackToBack.parse("10.0.0.9:5009"), CandidateType.HOST, null), net.now);

        net.runUntil(() -> bothIn(net, IceConnectionState.COMPLETED), LIMIT);

        assertEquals(5000, net.selected("b", 1).remote().address().getPort());
    }

    @Test
    void shouldKeepAQuietSelectedPairAliveWithBindingIndications() {
        BackToBack net = connected(config(IceRole.CONTROLLED, 1).build(),
            config(IceRole.CONTROLLING, 2).lite(true).keepaliveInterval(Duration.ofSeconds(15)).build());
        net.runUntil(() -> bothIn(net, IceConnectionState.COMPLETED), LIMIT);
        long start = net.now;

        net.run(Duration.ofSeconds(50));

        List<Long> keepalives = net.sentBy("b").stream()
            .filter(p -> p.sentNanos() > start && p.isStun() && p.stun().isIndication())
            .map(p -> Duration.ofNanos(p.sentNanos() - start).toSeconds()).toList();
        assertEquals(3, keepalives.size(), "keepalives " + keepalives);
        assertTrue(net.sentBy("a").stream().noneMatch(p -> p.isStun() && p.stun().isIndication()),
            "consent checks keep the full agent's pair busy enough");
    }

    @Test
    void shouldGatherOnlyHostCandidatesInLiteMode() {
        BackToBack net = new BackToBack();
        net.add("a", config(IceRole.CONTROLLED, 1).lite(true).build());
        net.add("b", config(IceRole.CONTROLLING, 2).build());
        net.stunServer("192.0.2.100:3478");
        net.agent("a").addStunServer(BackToBack.parse("192.0.2.100:3478"), net.now);
        net.socket("a", 1, "10.0.0.1", 5000, 1);
        net.agent("a").endOfLocalSockets();

        net.run(Duration.ofSeconds(5));

        assertTrue(net.sentBy("a").isEmpty());
        assertEquals(1, net.events("a", IceEvent.LocalCandidate.class).size());
        assertEquals(1, net.events("a", IceEvent.GatheringComplete.class).size());
    }
}
