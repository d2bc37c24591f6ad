package io.turnkit.ice.mdns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.turnkit.ice.agent.Candidate;
import io.turnkit.ice.agent.CandidateType;
import io.turnkit.ice.agent.IceConnectionState;
import io.turnkit.ice.agent.IceRole;
import io.turnkit.ice.sim.Host;
import io.turnkit.ice.sim.NatConfiguration;
import io.turnkit.ice.sim.SimulatedClock;
import io.turnkit.ice.sim.VirtualNetwork;
import io.turnkit.ice.sim.VirtualUdpSocket;
import io.turnkit.ice.stun.NatBehavior;

/**
 * Two agents with mDNS candidates on the simulator's virtual LAN, where datagrams for 224.0.0.251:5353 reach every
 * host of the LAN and no further: nothing here touches a real socket.
 */
class MdnsCandidatesSimulationTest {
    private static final long SECOND = 1_000_000_000L;
    private static final EnumSet<IceConnectionState> UP =
        EnumSet.of(IceConnectionState.CONNECTED, IceConnectionState.COMPLETED);

    private final SimulatedClock clock = new SimulatedClock();
    private final VirtualNetwork network = new VirtualNetwork(clock, new Random(7));

    @Test
    void shouldConnectWhenBothHideTheirHostAddresses() {
        Host hostA = network.internet().addHost("a", "192.0.2.10");
        Host hostB = network.internet().addHost("b", "192.0.2.11");
        MdnsPeer a = new MdnsPeer(hostA, clock, IceRole.CONTROLLING, true, 1);
        MdnsPeer b = new MdnsPeer(hostB, clock, IceRole.CONTROLLED, true, 2);
        a.start(b);
        b.start(a);
        clock.runUntil(3 * SECOND);

        for (MdnsPeer peer : new MdnsPeer[] {a, b}) {
            assertEquals(1, peer.signalled.size());
            Candidate shown = peer.signalled.get(0);
            assertTrue(shown.address().isUnresolved() && shown.address().getHostString().endsWith(".local"),
                "no address signalled: " + shown);
            assertEquals(IceConnectionState.COMPLETED, peer.state(), "connected, and end-of-candidates came");
            assertEquals(1, peer.mdns.registeredNames());
        }
        assertEquals(CandidateType.HOST, a.selected().remote().type(), "resolved, not learnt from a check");
        assertEquals(new InetSocketAddress("192.0.2.11", b.selected().local().address().getPort()),
            a.selected().remote().address());

        a.close();
        assertEquals(0, a.mdns.registeredNames(), "the name withdrawn when the agent closes");
        long validBefore = b.mdns.validations(DnsValidation.VALID);
        clock.runUntil(4 * SECOND);
        assertEquals(validBefore + 1, b.mdns.validations(DnsValidation.VALID), "b heard a's goodbye");
    }

    @Test
    void shouldLeaveOutANameNobodyAnswersAndConnectThroughPeerReflexive() {
        // a hides its host address behind a NAT: b, outside, never hears a's responder, so a's name cannot resolve.
        Host hostA = network.internet().addNat("nat", "203.0.113.1", NatConfiguration.of(
            NatBehavior.Type.ENDPOINT_INDEPENDENT, NatBehavior.Type.ENDPOINT_INDEPENDENT)).addHost("a", "10.0.0.2");
        Host hostB = network.internet().addHost("b", "192.0.2.11");
        MdnsPeer a = new MdnsPeer(hostA, clock, IceRole.CONTROLLING, true, 1);
        MdnsPeer b = new MdnsPeer(hostB, clock, IceRole.CONTROLLED, false, 2);
        a.start(b);
        b.start(a);

        clock.runUntil(2 * SECOND);
        assertEquals(1, b.candidates.resolving(), "a's name is still being asked for");
        assertEquals(IceConnectionState.CONNECTED, b.state(), "the pending name holds nothing up");
        assertEquals(CandidateType.PEER_REFLEXIVE, b.selected().remote().type());
        assertEquals("203.0.113.1", b.selected().remote().address().getAddress().getHostAddress());

        clock.runUntil(6 * SECOND);
        assertEquals(0, b.candidates.resolving(), "given up after " + MulticastDns.DEFAULT_TIMEOUT);
        assertEquals(IceConnectionState.COMPLETED, b.state(),
            "a's end-of-candidates reached b's agent once the name had failed, and b did not fail");
        assertEquals(CandidateType.PEER_REFLEXIVE, b.selected().remote().type());
    }

    @Test
    void shouldCountAndDropHostileMdnsPacketsAndStillConnect() {
        Host hostA = network.internet().addHost("a", "192.0.2.10");
        Host hostB = network.internet().addHost("b", "192.0.2.11");
        Host attacker = network.internet().addHost("x", "192.0.2.66");
        MdnsPeer a = new MdnsPeer(hostA, clock, IceRole.CONTROLLING, true, 1);
        MdnsPeer b = new MdnsPeer(hostB, clock, IceRole.CONTROLLED, true, 2);
        VirtualUdpSocket hostile = attacker.bind(MulticastDns.PORT);
        InetSocketAddress group = MulticastDns.IPV4_GROUP;
        hostile.send(group, new byte[] {0, 0, 0, 0, 0, 1});                                     // truncated
        hostile.send(group, new byte[] {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
            (byte) 0xC0, 12, 0, 1, 0, 1});                                                       // pointer loop
        hostile.send(group, new byte[] {0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});                                // huge counts
        a.start(b);
        b.start(a);
        // While the names are being resolved: a forged answer for a name from a port other than 5353.
        clock.runUntil(SECOND / 20 + 1);
        try (VirtualUdpSocket forger = attacker.bind(40000)) {
            ByteBuf forged = Unpooled.buffer();
            DnsMessageEncoder.writeAnswer(forged, 0, false, a.signalled.get(0).address().getHostString(),
                attacker.addresses().get(0), 120);
            forger.send(new InetSocketAddress(hostB.addresses().get(0), MulticastDns.PORT),
                ByteBufUtil.getBytes(forged));
            forged.release();
        }
        clock.runUntil(3 * SECOND);

        for (MdnsPeer peer : new MdnsPeer[] {a, b}) {
            assertEquals(1, peer.mdns.validations(DnsValidation.TRUNCATED));
            assertEquals(1, peer.mdns.validations(DnsValidation.BAD_POINTER));
            assertEquals(1, peer.mdns.validations(DnsValidation.TOO_MANY_RECORDS));
            assertTrue(UP.contains(peer.state()), peer.state().toString());
        }
        assertEquals(1, b.mdns.nonMdnsResponses());
        assertNotNull(b.selected());
        assertFalse(b.selected().remote().address().getAddress().equals(attacker.addresses().get(0)),
            "the forged answer was not taken");
    }

    @Test
    void shouldNotSendMulticastBeyondTheLan() {
        Host inside = network.internet().addNat("nat", "203.0.113.1", NatConfiguration.of(
            NatBehavior.Type.ENDPOINT_INDEPENDENT, NatBehavior.Type.ENDPOINT_INDEPENDENT)).addHost("in", "10.0.0.2");
        Host outside = network.internet().addHost("out", "192.0.2.11");
        VirtualUdpSocket listener = outside.bind(MulticastDns.PORT);
        listener.joinGroup(MulticastDns.IPV4_GROUP.getAddress());
        int[] heard = {0};
        listener.onReceive((socket, from, bytes, now) -> heard[0]++);
        VirtualUdpSocket neighbour = inside.bind(MulticastDns.PORT);
        neighbour.joinGroup(MulticastDns.IPV4_GROUP.getAddress());
        neighbour.onReceive((socket, from, bytes, now) -> heard[0] += 100);
        inside.bind(0).send(MulticastDns.IPV4_GROUP, new byte[] {1});
        clock.runUntil(SECOND);
        assertEquals(100, heard[0], "the LAN's member heard it (looped back on the sender's host), nobody outside");
    }
}
