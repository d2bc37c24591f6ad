package io.turnkit.ice.agent;

import static io.turnkit.ice.agent.IceAgentTest.bothIn;
import static io.turnkit.ice.agent.IceAgentTest.config;
import static io.turnkit.ice.agent.IceConnectionState.COMPLETED;
import static io.turnkit.ice.agent.IceConnectionState.FAILED;
import static io.turnkit.ice.agent.IceConnectionState.NEW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;
import io.turnkit.ice.stun.TransportProtocol;

/** ICE-TCP (RFC 6544) in the core: candidates, priorities, pairing, checks over connections, on the in-memory seam. */
class IceTcpTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static BackToBack tcpPair(IceRole roleA, TcpType typeA, IceRole roleB, TcpType typeB) {
        BackToBack net = new BackToBack();
        net.add("a", config(roleA, 1).build());
        net.add("b", config(roleB, 2).build());
        net.tcpSocket("a", 1, "10.0.0.1", 5000, 1, typeA);
        net.tcpSocket("b", 1, "10.0.0.2", 6000, 1, typeB);
        net.agent("a").endOfLocalSockets();
        net.agent("b").endOfLocalSockets();
        net.exchangeCredentials();
        return net;
    }

    private static Map<String, Candidate> candidatesByTcpType(BackToBack net, String name) {
        return net.events(name, IceEvent.LocalCandidate.class).stream().map(IceEvent.LocalCandidate::candidate)
            .collect(Collectors.toMap(c -> c.tcpType() == null ? "udp" : c.tcpType(), Function.identity()));
    }

    @Test
    void shouldGiveTcpHostCandidatesRfc6544Priorities() {
        BackToBack net = new BackToBack();
        net.add("a", config(IceRole.CONTROLLING, 1).build());
        net.signalling.put("a", false);
        net.socket("a", 1, "10.0.0.1", 5000, 1);
        net.tcpSocket("a", 2, "10.0.0.1", 5001, 1, TcpType.ACTIVE);
        net.tcpSocket("a", 3, "10.0.0.1", 5002, 1, TcpType.PASSIVE);
        net.tcpSocket("a", 4, "10.0.0.1", 5003, 1, TcpType.SIMULTANEOUS_OPEN);
        net.drain();

        Map<String, Candidate> byType = candidatesByTcpType(net, "a");
        // RFC 8445 §5.1.2.1 with RFC 6544 §4.2's local preference: 2^13 × direction-pref (6, 4, 2) + other-pref.
        assertEquals((126L << 24) + (65535L << 8) + 255, byType.get("udp").priority());
        assertEquals((63L << 24) + ((6L << 13) + 8191 << 8) + 255, byType.get("active").priority());
        assertEquals((63L << 24) + ((4L << 13) + 8191 << 8) + 255, byType.get("passive").priority());
        assertEquals((63L << 24) + ((2L << 13) + 8191 << 8) + 255, byType.get("so").priority());
        assertEquals(TransportProtocol.TCP, byType.get("active").transport());
        // RFC 6544 §4.5: an active candidate is signalled with port 9.
        assertEquals(9, byType.get("active").address().getPort());
        assertEquals(5002, byType.get("passive").address().getPort());
        // RFC 8445 §5.1.1.3: the transport is part of the foundation.
        assertFalse(byType.get("udp").foundation().equals(byType.get("active").foundation()));
        assertEquals(byType.get("active").foundation(), byType.get("passive").foundation());
    }

    @Test
    void shouldPairActiveWithPassiveAndSimultaneousOpenWithItselfOnly() {
        BackToBack net = new BackToBack();
        IceAgent agent = net.add("a", config(IceRole.CONTROLLING, 1).build());
        net.socket("a", 1, "10.0.0.1", 5000, 1);
        net.tcpSocket("a", 2, "10.0.0.1", 5001, 1, TcpType.ACTIVE);
        net.tcpSocket("a", 3, "10.0.0.1", 5002, 1, TcpType.PASSIVE);
        net.tcpSocket("a", 4, "10.0.0.1", 5003, 1, TcpType.SIMULTANEOUS_OPEN);
        agent.setRemoteCredentials("ufrag", "passwordpasswordpassword", net.now);
        long p = 1_000_000;
        agent.addRemoteCandidate(remoteTcp("1", p, "10.0.0.2", 9, "active"), net.now);
        agent.addRemoteCandidate(remoteTcp("2", p, "10.0.0.2", 6001, "passive"), net.now);
        agent.addRemoteCandidate(remoteTcp("3", p, "10.0.0.2", 6002, "so"), net.now);
        agent.addRemoteCandidate(Candidate.udp("4", 1, p, new InetSocketAddress("10.0.0.2", 6000),
            CandidateType.HOST, null), net.now);

        // RFC 6544 §6.2: active→passive, S-O→S-O, UDP→UDP; a local passive candidate's pairs are pruned.
        assertEquals(List.of(
            "10.0.0.1:9 -> 10.0.0.2:6001", "10.0.0.1:5003 -> 10.0.0.2:6002", "10.0.0.1:5000 -> 10.0.0.2:6000"),
            agent.describeCheckList().stream().map(l -> l.substring(0, l.indexOf(" (")).replace("/", ""))
                .sorted((x, y) -> Integer.compare(order(x), order(y))).toList());
    }

    private static int order(String pair) {
        return pair.contains(":9 ") ? 0 : pair.contains(":5003") ? 1 : 2;
    }

    private static Candidate remoteTcp(String foundation, long priority, String ip, int port, String tcpType) {
        return new Candidate(foundation, 1, TransportProtocol.TCP, priority, new InetSocketAddress(ip, port),
            CandidateType.HOST, null, tcpType, Map.of());
    }

    @Test
    void shouldRefuseTcpCandidatesWithoutAKnownTcpType() {
        IceAgent agent = IceAgent.create(config(IceRole.CONTROLLING, 1).build());
        assertFalse(agent.addRemoteCandidate(remoteTcp("1", 1000, "10.0.0.2", 6001, null), 0));
        assertFalse(agent.addRemoteCandidate(remoteTcp("1", 1000, "10.0.0.2", 6001, "sideways"), 0));
        assertTrue(agent.addRemoteCandidate(remoteTcp("1", 1000, "10.0.0.2", 6001, "passive"), 0));
    }

    @Test
    void shouldConnectActiveToPassiveWithTheActiveSideControlling() {
        assertConnectsOverTcp(tcpPair(IceRole.CONTROLLING, TcpType.ACTIVE, IceRole.CONTROLLED, TcpType.PASSIVE));
    }

    @Test
    void shouldConnectActiveToPassiveWithThePassiveSideControlling() {
        assertConnectsOverTcp(tcpPair(IceRole.CONTROLLED, TcpType.ACTIVE, IceRole.CONTROLLING, TcpType.PASSIVE));
    }

    @Test
    void shouldConnectSimultaneousOpenToSimultaneousOpen() {
        BackToBack net = tcpPair(IceRole.CONTROLLING, TcpType.SIMULTANEOUS_OPEN, IceRole.CONTROLLED,
            TcpType.SIMULTANEOUS_OPEN);
        net.runUntil(() -> bothIn(net, COMPLETED), LIMIT);
        assertEquals(new InetSocketAddress("10.0.0.2", 6000), net.selected("a", 1).remote().address());
        assertEquals(new InetSocketAddress("10.0.0.1", 5000), net.selected("b", 1).remote().address());
    }

    private static void assertConnectsOverTcp(BackToBack net) {
        net.runUntil(() -> bothIn(net, COMPLETED), LIMIT);

        // a's checks leave from the connection it opened (an ephemeral port), b sees a peer-reflexive active candidate.
        IceEvent.SelectedPairChanged atA = net.selected("a", 1);
        IceEvent.SelectedPairChanged atB = net.selected("b", 1);
        assertEquals("active", atA.local().tcpType());
        assertEquals(new InetSocketAddress("10.0.0.2", 6000), atA.remote().address());
        assertEquals("passive", atB.local().tcpType());
        assertEquals(CandidateType.PEER_REFLEXIVE, atB.remote().type());
        assertEquals("active", atB.remote().tcpType());
        assertEquals(TransportProtocol.TCP, atB.remote().transport());
        assertFalse(net.states("b").contains(FAILED), "the passive side waits for the connection");
        // RFC 6544 §7.1: no retransmission over TCP, each check's transaction goes once.
        List<BackToBack.Packet> requests = net.wire.stream().filter(BackToBack.Packet::isBindingRequest).toList();
        assertTrue(requests.stream().allMatch(BackToBack.Packet::tcp));
        assertEquals(requests.size(), requests.stream().map(BackToBack.Packet::transactionId).distinct().count());
        assertEquals(0, net.tcpUnconnected);

        assertTrue(net.agent("a").send(1, Unpooled.copiedBuffer("to b", StandardCharsets.UTF_8), net.now));
        assertTrue(net.agent("b").send(1, Unpooled.copiedBuffer("to a", StandardCharsets.UTF_8), net.now));
        net.runUntil(() -> !net.events("a", IceEvent.ApplicationData.class).isEmpty()
            && !net.events("b", IceEvent.ApplicationData.class).isEmpty(), Duration.ofSeconds(1));
        assertArrayEquals("to a".getBytes(StandardCharsets.UTF_8),
            net.events("a", IceEvent.ApplicationData.class).get(0).data());
        assertArrayEquals("to b".getBytes(StandardCharsets.UTF_8),
            net.events("b", IceEvent.ApplicationData.class).get(0).data());
    }

    @Test
    void shouldFailAPairAtOnceWhenItsConnectionIsRefused() {
        BackToBack net = new BackToBack();
        net.add("a", config(IceRole.CONTROLLING, 1).build());
        net.signalling.put("a", false);
        net.tcpSocket("a", 1, "10.0.0.1", 5000, 1, TcpType.ACTIVE);
        IceAgent agent = net.agent("a");
        agent.endOfLocalSockets();
        agent.setRemoteCredentials("ufrag", "passwordpasswordpassword", net.now);
        agent.addRemoteCandidate(remoteTcp("1", 1000, "10.0.0.9", 6001, "passive"), net.now);
        agent.endOfRemoteCandidates(net.now);

        // Nobody listens at 10.0.0.9:6001: the check fails with the connection, long before Ti (39.5 s).
        net.runUntil(() -> agent.state() == FAILED, Duration.ofSeconds(1));
        assertTrue(agent.describeCheckList().get(0).endsWith("(FAILED)"));
    }

    @Test
    void shouldWaitOnAPassiveCandidateForThePeersConnectionForTiThenFail() {
        BackToBack net = new BackToBack();
        IceAgent agent = net.add("b", config(IceRole.CONTROLLED, 2).build());
        net.signalling.put("b", false);
        net.tcpSocket("b", 1, "10.0.0.2", 6000, 1, TcpType.PASSIVE);
        agent.endOfLocalSockets();
        agent.setRemoteCredentials("ufrag", "passwordpasswordpassword", net.now);
        agent.addRemoteCandidate(remoteTcp("1", 1000, "10.0.0.1", 9, "active"), net.now);
        long complete = net.now;
        agent.endOfRemoteCandidates(net.now);

        net.run(Duration.ofSeconds(39));
        assertTrue(agent.describeCheckList().isEmpty(), "RFC 6544 §6.2 prunes the pairs of a passive candidate");
        assertEquals(NEW, agent.state(), "nothing checked, nothing failed: the peer connects when it checks");

        // RFC 8445 §8.1, RFC 6544 §7: the wait for the peer's connection ends Ti (39.5 s) after both sides'
        // candidates are complete, on the agent's own timer (pollTimeout), not at the next call that happens by.
        net.runUntil(() -> agent.state() == FAILED, Duration.ofSeconds(20));
        assertEquals(Duration.ofMillis(39_500).toNanos(), net.now - complete);
        assertEquals(List.of(FAILED), net.states("b"), "from NEW straight to FAILED, once");
        assertEquals(Long.MAX_VALUE, agent.pollTimeout(), "nothing more to wait for");
    }

    @Test
    void shouldStillConnectWhenThePeerConnectsToAPassiveCandidateLate() {
        BackToBack net = tcpPair(IceRole.CONTROLLING, TcpType.ACTIVE, IceRole.CONTROLLED, TcpType.PASSIVE);
        net.signalling.put("b", false);

        // b has a's candidates and end-of-candidates and waits; a learns b's passive candidate 30 s later.
        net.run(Duration.ofSeconds(30));
        assertEquals(NEW, net.agent("b").state());
        net.agent("a").addRemoteCandidate(
            net.events("b", IceEvent.LocalCandidate.class).get(0).candidate(), net.now);
        net.runUntil(() -> net.agent("b").state() == IceConnectionState.CONNECTED
            || net.agent("b").state() == COMPLETED, Duration.ofSeconds(5));
        assertFalse(net.states("b").contains(FAILED));
    }
}
