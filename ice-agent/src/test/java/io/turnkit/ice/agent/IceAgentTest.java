package io.turnkit.ice.agent;

import static io.turnkit.ice.agent.IceConnectionState.CHECKING;
import static io.turnkit.ice.agent.IceConnectionState.COMPLETED;
import static io.turnkit.ice.agent.IceConnectionState.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;
import io.turnkit.stun.StunAttributeType;

class IceAgentTest {
    static final Duration LIMIT = Duration.ofSeconds(60);

    static IceConfig.Builder config(IceRole role, long seed) {
        return IceConfig.builder().role(role).random(new SplittableRandom(seed));
    }

    /** Two full agents with one host socket each, signalled to each other. */
    static BackToBack connected(IceConfig a, IceConfig b) {
        BackToBack net = new BackToBack();
        net.add("a", a);
        net.add("b", b);
        net.socket("a", 1, "10.0.0.1", 5000, 1);
        net.socket("b", 1, "10.0.0.2", 6000, 1);
        net.agent("a").endOfLocalSockets();
        net.agent("b").endOfLocalSockets();
        net.exchangeCredentials();
        return net;
    }

    static boolean bothIn(BackToBack net, IceConnectionState state) {
        return net.agent("a").state() == state && net.agent("b").state() == state;
    }

    @Test
    void shouldGoFromNewThroughCheckingToCompletedOnBothSides() {
        BackToBack net = connected(config(IceRole.CONTROLLING, 1).build(), config(IceRole.CONTROLLED, 2).build());

        net.runUntil(() -> bothIn(net, COMPLETED), LIMIT);

        assertEquals(List.of(CHECKING, CONNECTED, COMPLETED), net.states("a"));
        assertEquals(List.of(CHECKING, CONNECTED, COMPLETED), net.states("b"));
        assertEquals("10.0.0.2", net.selected("a", 1).remote().address().getHostString());
        assertEquals("10.0.0.1", net.selected("b", 1).remote().address().getHostString());
        assertEquals(net.selected("a", 1).local(), net.selected("b", 1).remote());
    }

    @Test
    void shouldCarryApplicationDataBothWaysOnTheSelectedPair() {
        BackToBack net = connected(config(IceRole.CONTROLLING, 1).build(), config(IceRole.CONTROLLED, 2).build());
        net.runUntil(() -> bothIn(net, COMPLETED), LIMIT);

        assertTrue(net.agent("a").send(1, Unpooled.copiedBuffer("hello b", StandardCharsets.UTF_8), net.now));
        assertTrue(net.agent("b").send(1, Unpooled.copiedBuffer("hello a", StandardCharsets.UTF_8), net.now));
        net.runUntil(() -> !net.events("a", IceEvent.ApplicationData.class).isEmpty()
            && !net.events("b", IceEvent.ApplicationData.class).isEmpty(), Duration.ofSeconds(1));

        assertArrayEquals("hello a".getBytes(StandardCharsets.UTF_8),
            net.events("a", IceEvent.ApplicationData.class).get(0).data());
        assertArrayEquals("hello b".getBytes(StandardCharsets.UTF_8),
            net.events("b", IceEvent.ApplicationData.class).get(0).data());
    }

    @Test
    void shouldConnectThroughALossyPathWithRetransmissions() {
        BackToBack net = connected(config(IceRole.CONTROLLING, 1).build(), config(IceRole.CONTROLLED, 2).build());
        net.loss = 0.4;

        net.runUntil(() -> bothIn(net, COMPLETED), LIMIT);

        long requests = net.sentBy("a").stream().filter(BackToBack.Packet::isBindingRequest).count();
        assertTrue(requests > 2, "lost checks were sent again: " + requests);
    }

    @Test
    void shouldStopEverythingWhenClosed() {
        BackToBack net = connected(config(IceRole.CONTROLLING, 1).build(), config(IceRole.CONTROLLED, 2).build());
        net.runUntil(() -> bothIn(net, COMPLETED), LIMIT);
        IceAgent a = net.agent("a");

        a.close();
        net.drain();

        assertEquals(IceConnectionState.CLOSED, net.states("a").get(net.states("a").size() - 1));
        assertEquals(Long.MAX_VALUE, a.pollTimeout());
        assertFalse(a.send(1, Unpooled.wrappedBuffer(new byte[] {(byte) 0x80}), net.now));
        assertEquals(Received.DROPPED, a.handleDatagram(1, BackToBack.parse("10.0.0.2:6000"),
            Unpooled.wrappedBuffer(new byte[] {(byte) 0x80}), net.now));
        assertEquals(1, a.dropped(DropReason.CLOSED));
    }

    @Test
    void shouldCheckAndSelectARelayedCandidateThroughItsSocket() {
        BackToBack net = new BackToBack();
        net.add("a", config(IceRole.CONTROLLING, 1).build());
        net.add("b", config(IceRole.CONTROLLED, 2).build());
        net.relayedSocket("a", 7, "198.51.100.50:40000", "203.0.113.1:6000", 1);
        net.socket("b", 1, "10.0.0.2", 6000, 1);
        net.agent("a").endOfLocalSockets();
        net.agent("b").endOfLocalSockets();
        net.exchangeCredentials();

        net.runUntil(() -> bothIn(net, COMPLETED), LIMIT);

        Candidate relayed = net.events("a", IceEvent.LocalCandidate.class).get(0).candidate();
        assertEquals(CandidateType.RELAYED, relayed.type());
        assertEquals(BackToBack.parse("203.0.113.1:6000"), relayed.relatedAddress());
        assertEquals(Candidate.priority(CandidateType.RELAYED, 65535, 1), relayed.priority());
        assertEquals(relayed, net.selected("a", 1).local());
        assertEquals(relayed, net.selected("b", 1).remote());
    }

    @Test
    void shouldKeepTheCheckListWithinItsLimit() {
        BackToBack net = new BackToBack();
        net.add("a", config(IceRole.CONTROLLING, 1).maxPairs(4).build());
        net.add("b", config(IceRole.CONTROLLED, 2).build());
        for (int i = 0; i < 3; i++) {
            net.socket("a", i, "10.0.0." + (i + 1), 5000, 1);
            net.socket("b", i, "10.0.1." + (i + 1), 6000, 1);
        }
        net.blocked = p -> true;
        net.exchangeCredentials();

        net.run(Duration.ofSeconds(2));

        long pairsChecked = net.sentBy("a").stream().filter(BackToBack.Packet::isBindingRequest)
            .map(p -> p.source() + ">" + p.destination()).distinct().count();
        assertEquals(4, pairsChecked);
    }

    @Test
    void shouldRefuseToSendBeforeAPairIsSelected() {
        BackToBack net = connected(config(IceRole.CONTROLLING, 1).build(), config(IceRole.CONTROLLED, 2).build());

        assertFalse(net.agent("a").send(1, Unpooled.wrappedBuffer(new byte[] {42}), net.now));
        assertFalse(net.agent("a").send(2, Unpooled.wrappedBuffer(new byte[] {42}), net.now));
    }

    @Test
    void shouldStartNewChecksTaApart() {
        Duration ta = Duration.ofMillis(50);
        BackToBack net = new BackToBack();
        net.add("a", config(IceRole.CONTROLLING, 1).ta(ta).build());
        net.add("b", config(IceRole.CONTROLLED, 2).ta(ta).build());
        for (int i = 0; i < 3; i++) {
            net.socket("a", i, "10.0.0." + (i + 1), 5000, 1);
            net.socket("b", i, "10.0.1." + (i + 1), 6000, 1);
        }
        net.blocked = p -> true; // nothing answers: every pair is checked in turn
        net.exchangeCredentials();

        net.run(Duration.ofMillis(400));

        List<Long> starts = net.sentBy("a").stream().filter(BackToBack.Packet::isBindingRequest)
            .collect(java.util.stream.Collectors.toMap(BackToBack.Packet::transactionId,
                BackToBack.Packet::sentNanos, Math::min, java.util.LinkedHashMap::new))
            .values().stream().sorted().toList();
        assertTrue(starts.size() >= 8, "checks started: " + starts.size());
        for (int i = 1; i < starts.size(); i++) {
            assertEquals(ta.toNanos(), starts.get(i) - starts.get(i - 1), "gap before check " + i);
        }
    }

    @Test
    void shouldRetransmitAChecksWithTheRtoDoublingThenFail() {
        BackToBack net = connected(config(IceRole.CONTROLLING, 1).build(), config(IceRole.CONTROLLED, 2).build());
        net.signalling.put("b", false);
        net.blocked = p -> true;
        net.agent("a").addRemoteCandidate(Candidate.udp("1", 1, 2_130_706_431L,
            BackToBack.parse("10.9.9.9:9"), CandidateType.HOST, null), net.now);
        net.agent("a").endOfRemoteCandidates(net.now);
        long start = net.now;

        net.runUntil(() -> net.agent("a").state() == IceConnectionState.FAILED, LIMIT);

        List<Long> sends = net.sentBy("a").stream().filter(BackToBack.Packet::isBindingRequest)
            .map(p -> Duration.ofNanos(p.sentNanos() - start).toMillis()).toList();
        // RFC 8489 §6.2.1: RTO 500 ms doubling, 7 requests, then 16 RTO of waiting.
        assertEquals(List.of(0L, 500L, 1500L, 3500L, 7500L, 15500L, 31500L), sends);
        assertEquals(39_500, Duration.ofNanos(net.now - start).toMillis());
    }

    @Test
    void shouldNominateRegularlyWithUseCandidateOnlyAfterAValidPair() {
        BackToBack net = connected(config(IceRole.CONTROLLING, 1).build(), config(IceRole.CONTROLLED, 2).build());

        net.runUntil(() -> bothIn(net, COMPLETED), LIMIT);

        List<BackToBack.Packet> checks = net.sentBy("a").stream().filter(BackToBack.Packet::isBindingRequest).toList();
        assertFalse(checks.get(0).has(StunAttributeType.USE_CANDIDATE), "the first check only tests the pair");
        assertTrue(checks.stream().anyMatch(p -> p.has(StunAttributeType.USE_CANDIDATE)));
        assertTrue(net.sentBy("b").stream().filter(BackToBack.Packet::isBindingRequest)
            .noneMatch(p -> p.has(StunAttributeType.USE_CANDIDATE)), "the controlled agent never nominates");
    }

    @Test
    void shouldAcceptAPeersAggressiveNomination() {
        BackToBack net = connected(config(IceRole.CONTROLLING, 1).aggressiveNomination(true).build(),
            config(IceRole.CONTROLLED, 2).build());

        net.runUntil(() -> bothIn(net, COMPLETED), LIMIT);

        assertTrue(net.sentBy("a").stream().filter(BackToBack.Packet::isBindingRequest)
            .allMatch(p -> p.has(StunAttributeType.USE_CANDIDATE)));
        assertNotNull(net.selected("b", 1));
    }

    /** Two agents with a socket per component, one IP address each: both components' pairs share foundations. */
    private static BackToBack twoComponents() {
        BackToBack net = new BackToBack();
        net.add("a", config(IceRole.CONTROLLING, 1).components(2).build());
        net.add("b", config(IceRole.CONTROLLED, 2).components(2).build());
        net.socket("a", 1, "10.0.0.1", 5000, 1);
        net.socket("a", 2, "10.0.0.1", 5001, 2);
        net.socket("b", 1, "10.0.0.2", 6000, 1);
        net.socket("b", 2, "10.0.0.2", 6001, 2);
        return net;
    }

    @Test
    void shouldKeepTheSecondComponentFrozenWhileTheFirstOfItsFoundationIsChecked() {
        BackToBack net = twoComponents();
        net.exchangeCredentials();
        // Component 1 never answers and "b" never checks: only §6.1.4.2's unfreezing can start component 2.
        net.blocked = p -> p.fromAgent().equals("b") || p.destination().getPort() == 6000;
        long start = net.now;

        net.runUntil(() -> net.sentBy("a").stream().anyMatch(p -> p.destination().getPort() == 6001), LIMIT);

        long firstComponent2Check = net.sentBy("a").stream().filter(p -> p.destination().getPort() == 6001)
            .mapToLong(BackToBack.Packet::sentNanos).min().orElseThrow();
        // RFC 8445 §6.1.2.6: same foundation, so component 2 waits until component 1's check has failed (39.5 s).
        assertEquals(39_500, Duration.ofNanos(firstComponent2Check - start).toMillis());
    }

    @Test
    void shouldSelectAPairForEveryComponent() {
        BackToBack net = twoComponents();
        net.agent("a").endOfLocalSockets();
        net.agent("b").endOfLocalSockets();
        net.exchangeCredentials();

        net.runUntil(() -> bothIn(net, COMPLETED), LIMIT);

        assertEquals(6001, net.selected("a", 2).remote().address().getPort());
        assertEquals(5001, net.selected("b", 2).remote().address().getPort());
        assertEquals(6000, net.selected("a", 1).remote().address().getPort());
    }
}
