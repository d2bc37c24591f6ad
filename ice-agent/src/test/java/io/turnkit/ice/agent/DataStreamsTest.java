package io.turnkit.ice.agent;

import static io.turnkit.ice.agent.IceAgentTest.LIMIT;
import static io.turnkit.ice.agent.IceAgentTest.bothIn;
import static io.turnkit.ice.agent.IceAgentTest.config;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;

/**
 * RFC 8445 §6.1.2: an ICE session of several data streams, each with its own check list and components. Here an
 * audio stream of RTP and RTCP (stream 0, two components) and a data channel (stream 1, one component), each
 * component on a socket of its own.
 */
class DataStreamsTest {
    /** Stream, component and port of each socket; the two agents use the same ports on their own addresses. */
    private static final int[][] SOCKETS = {{0, 1, 5000}, {0, 2, 5001}, {1, 1, 5002}};

    private static BackToBack twoStreams() {
        BackToBack net = new BackToBack();
        net.add("a", config(IceRole.CONTROLLING, 1).dataStreams(2, 1).build());
        net.add("b", config(IceRole.CONTROLLED, 2).dataStreams(2, 1).build());
        for (int i = 0; i < SOCKETS.length; i++) {
            int[] s = SOCKETS[i];
            net.socket("a", s[0], i, "10.0.0.1", s[2], s[1]);
            net.socket("b", s[0], i, "10.0.0.2", s[2], s[1]);
        }
        net.agent("a").endOfLocalSockets();
        net.agent("b").endOfLocalSockets();
        net.exchangeCredentials();
        return net;
    }

    @Test
    void shouldSelectAPairForEveryComponentOfEveryStream() {
        BackToBack net = twoStreams();

        net.runUntil(() -> bothIn(net, IceConnectionState.COMPLETED), LIMIT);

        for (int[] s : SOCKETS) {
            IceEvent.SelectedPairChanged a = net.selected("a", s[0], s[1]);
            IceEvent.SelectedPairChanged b = net.selected("b", s[0], s[1]);
            assertNotNull(a, "a selected stream " + s[0] + " component " + s[1]);
            assertNotNull(b, "b selected stream " + s[0] + " component " + s[1]);
            assertEquals(new InetSocketAddress("10.0.0.1", s[2]), a.local().address());
            assertEquals(new InetSocketAddress("10.0.0.2", s[2]), a.remote().address());
            assertEquals(a.local(), b.remote());
        }
    }

    @Test
    void shouldPairCandidatesOnlyWithinTheirStream() {
        BackToBack net = twoStreams();
        net.drain();

        List<String> checkList = net.agent("a").describeCheckList();

        assertEquals(List.of("stream 0: /10.0.0.1:5000 -> /10.0.0.2:5000", "stream 0: /10.0.0.1:5001 -> /10.0.0.2:5001",
                "stream 1: /10.0.0.1:5002 -> /10.0.0.2:5002"),
            checkList.stream().map(line -> line.substring(0, line.indexOf(" ("))).toList());
    }

    @Test
    void shouldUnfreezeOnePairPerFoundationAcrossAllCheckLists() {
        BackToBack net = twoStreams();
        net.drain();

        List<String> before = net.agent("a").describeCheckList();
        net.runUntil(() -> bothIn(net, IceConnectionState.COMPLETED), LIMIT);

        // RFC 8445 §6.1.2.6: the three pairs share a foundation (host to host, one base IP on each side), so one is
        // Waiting across both check lists; its success unfreezes the others (§7.2.5.3.3), in either list.
        assertEquals(1, before.stream().filter(l -> l.endsWith("(WAITING)")).count(), before::toString);
        assertEquals(2, before.stream().filter(l -> l.endsWith("(FROZEN)")).count(), before::toString);
        assertTrue(before.get(0).endsWith("(WAITING)"), "the first stream's first component goes first");
    }

    @Test
    void shouldCarryEachStreamsDataOnItsOwnPair() {
        BackToBack net = twoStreams();
        net.runUntil(() -> bothIn(net, IceConnectionState.COMPLETED), LIMIT);

        byte[] rtcp = "rtcp".getBytes(StandardCharsets.UTF_8);
        byte[] channel = "data channel".getBytes(StandardCharsets.UTF_8);
        assertTrue(net.agent("a").send(0, 2, Unpooled.wrappedBuffer(rtcp), net.now));
        assertTrue(net.agent("a").send(1, 1, Unpooled.wrappedBuffer(channel), net.now));
        assertFalse(net.agent("a").send(1, 2, Unpooled.wrappedBuffer(channel), net.now), "stream 1 has one component");
        net.runUntil(() -> net.events("b", IceEvent.ApplicationData.class).size() == 2, Duration.ofSeconds(1));

        List<IceEvent.ApplicationData> received = net.events("b", IceEvent.ApplicationData.class);
        assertEquals(0, received.get(0).stream());
        assertEquals(2, received.get(0).componentId());
        assertArrayEquals(rtcp, received.get(0).data());
        assertEquals(1, received.get(1).stream());
        assertEquals(1, received.get(1).componentId());
        assertArrayEquals(channel, received.get(1).data());
    }

    @Test
    void shouldRefuseASocketOrACandidateOfAStreamNotConfigured() {
        IceAgent agent = IceAgent.create(config(IceRole.CONTROLLING, 1).dataStreams(2, 1).build());
        InetSocketAddress address = new InetSocketAddress("10.0.0.1", 5000);

        assertThrows(IllegalArgumentException.class, () -> agent.addLocalSocket(2, LocalSocket.host(0, address, 1), 0));
        assertThrows(IllegalArgumentException.class, () -> agent.addLocalSocket(1, LocalSocket.host(0, address, 2), 0));
        assertThrows(IllegalArgumentException.class, () -> agent.addRemoteCandidate(-1, Candidate.udp("1", 1,
            Candidate.priority(CandidateType.HOST, 65535, 1), address, CandidateType.HOST, null), 0));
        assertThrows(IllegalArgumentException.class, () -> IceConfig.builder().dataStreams().build());
        assertThrows(IllegalArgumentException.class, () -> IceConfig.builder().dataStreams(1, 0).build());
    }
}
