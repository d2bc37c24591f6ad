package io.turnkit.ice.sim;

import static io.turnkit.ice.stun.NatBehavior.Type.ADDRESS_AND_PORT_DEPENDENT;
import static io.turnkit.ice.stun.NatBehavior.Type.ENDPOINT_INDEPENDENT;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.turnkit.ice.sim.NatConfiguration.PortAssignment;

/** Hairpinning, mapping lifetime, port assignment, 1:1 NAT, UDP-blocking firewall and double NAT. */
class NatRouterTest {
    private static final int STUN_PORT = 3478;
    private static final NatConfiguration FULL_CONE = NatConfiguration.of(ENDPOINT_INDEPENDENT, ENDPOINT_INDEPENDENT);

    private final SimulatedClock clock = new SimulatedClock();
    private final VirtualNetwork network = new VirtualNetwork(clock, new Random(8445));
    private final Host server = network.internet().addHost("server", "198.51.100.1");
    private final VirtualUdpSocket reflector = Reflector.on(server, STUN_PORT);

    @Test
    void shouldHairpinWithTheSendersExternalAddressAsSourceWhenOn() {
        HairpinLan lan = hairpinFromAliceToBob(true);

        assertEquals("hairpinned", lan.bobInbox().last().text());
        // RFC 4787 §6 REQ-9: bob sees alice's external address, not her private one.
        assertEquals(lan.aliceMapped(), Reflector.text(lan.bobInbox().last().from()));
    }

    @Test
    void shouldDropDatagramsToItsOwnExternalAddressWhenHairpinningIsOff() {
        HairpinLan lan = hairpinFromAliceToBob(false);

        assertEquals(1, lan.bobInbox().size(), "only the reflector's answer");
        assertEquals(1, lan.nat().drops(DropReason.HAIRPINNING_OFF));
    }

    private record HairpinLan(NatRouter nat, String aliceMapped, Inbox bobInbox) {
    }

    /** Alice and bob behind one NAT learn their mappings; then alice sends to bob's mapped address. */
    private HairpinLan hairpinFromAliceToBob(boolean hairpinning) {
        NatRouter nat = network.internet().addNat("nat", "203.0.113.1", FULL_CONE.withHairpinning(hairpinning));
        VirtualUdpSocket alice = nat.addHost("alice", "192.168.1.2").bind(5000);
        VirtualUdpSocket bob = nat.addHost("bob", "192.168.1.3").bind(5000);
        Inbox bobInbox = Inbox.of(bob);
        String aliceMapped = probe(alice, Inbox.of(alice));
        InetSocketAddress bobMapped = Reflector.address(probe(bob, bobInbox));

        alice.send(bobMapped, Inbox.bytes("hairpinned"));
        clock.runUntilIdle(Reflector.IDLE_LIMIT);
        return new HairpinLan(nat, aliceMapped, bobInbox);
    }

    @Test
    void shouldDeliverWithinTheLanWithoutTranslation() {
        NatRouter nat = network.internet().addNat("nat", "203.0.113.1", NatConfiguration.udpBlockingFirewall());
        VirtualUdpSocket alice = nat.addHost("alice", "192.168.1.2").bind(5000);
        VirtualUdpSocket bob = nat.addHost("bob", "192.168.1.3").bind(6000);
        Inbox bobInbox = Inbox.of(bob);

        alice.send(bob.localAddress(), Inbox.bytes("on the LAN"));
        clock.runUntilIdle(Reflector.IDLE_LIMIT);

        assertEquals(alice.localAddress(), bobInbox.last().from());
        assertEquals(0, nat.mappingCount());
    }

    @Test
    void shouldExpireAMappingIdleForItsLifetime() {
        NatRouter nat = network.internet().addNat("nat", "203.0.113.1",
                FULL_CONE.withMappingLifetime(Duration.ofSeconds(30)));
        VirtualUdpSocket client = nat.addHost("client", "192.168.1.2").bind(5000);
        Inbox inbox = Inbox.of(client);
        InetSocketAddress mapped = Reflector.address(probe(client, inbox));

        clock.advance(Duration.ofSeconds(29));
        reflector.send(mapped, Inbox.bytes("within the lifetime"));
        clock.runUntilIdle(Reflector.IDLE_LIMIT);
        clock.advance(Duration.ofSeconds(1));
        reflector.send(mapped, Inbox.bytes("after the lifetime"));
        clock.runUntilIdle(Reflector.IDLE_LIMIT);

        assertEquals("within the lifetime", inbox.last().text());
        assertEquals(1, nat.drops(DropReason.NO_MAPPING));
        assertEquals(0, nat.mappingCount());
    }

    @Test
    void shouldKeepAMappingAliveWhileTheInsideSends() {
        NatRouter nat = network.internet().addNat("nat", "203.0.113.1", FULL_CONE);
        VirtualUdpSocket client = nat.addHost("client", "192.168.1.2").bind(5000);
        Inbox inbox = Inbox.of(client);
        String mapped = probe(client, inbox);

        // Ten keepalives 20 s apart: two minutes, four times the lifetime, on one mapping.
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(20));
            assertEquals(mapped, probe(client, inbox), "the mapping after " + (i + 1) * 20 + " s");
        }
        assertEquals(0, nat.drops(DropReason.NO_MAPPING));
    }

    @Test
    void shouldOnlyBeRefreshedByDatagramsGoingOut() {
        NatRouter nat = network.internet().addNat("nat", "203.0.113.1", FULL_CONE);
        VirtualUdpSocket client = nat.addHost("client", "192.168.1.2").bind(5000);
        Inbox inbox = Inbox.of(client);
        InetSocketAddress mapped = Reflector.address(probe(client, inbox));

        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofSeconds(10));
            reflector.send(mapped, Inbox.bytes("inbound " + i));
            clock.runUntilIdle(Reflector.IDLE_LIMIT);
        }

        assertEquals("inbound 1", inbox.last().text(), "inbound datagrams do not refresh (RFC 4787 §4.3)");
        assertEquals(2, nat.drops(DropReason.NO_MAPPING));
    }

    @Test
    void shouldPreserveTheInternalPortUntilItIsTaken() {
        NatRouter nat = network.internet().addNat("nat", "203.0.113.1", FULL_CONE);
        VirtualUdpSocket alice = nat.addHost("alice", "192.168.1.2").bind(5000);
        VirtualUdpSocket bob = nat.addHost("bob", "192.168.1.3").bind(5000);

        assertEquals("203.0.113.1:5000", probe(alice, Inbox.of(alice)));
        String bobMapped = probe(bob, Inbox.of(bob));

        assertNotEquals("203.0.113.1:5000", bobMapped, "two hosts cannot share an external port");
    }

    @Test
    void shouldDrawRandomPortsFromTheSeededSourceRepeatably() {
        String first = randomlyMappedAddress(7);
        String again = randomlyMappedAddress(7);

        assertEquals(first, again, "the same seed, the same port");
        int port = Reflector.address(first).getPort();
        assertTrue(port >= 1024 && port <= 65535, "a port above the well-known ones: " + port);
        assertNotEquals(5000, port, "not the internal port: this NAT does not preserve ports");
    }

    @Test
    void shouldTranslateOnlyTheAddressOnAOneToOneNat() {
        NatRouter nat = network.internet().addNat("nat", "203.0.113.9", NatConfiguration.oneToOneNat());
        VirtualUdpSocket client = nat.addHost("client", "10.0.0.9").bind(7000);
        Inbox inbox = Inbox.of(client);

        // Unsolicited: a 1:1 NAT needs no mapping to let a datagram in.
        reflector.send(new InetSocketAddress(nat.externalAddress(), 7000), Inbox.bytes("unsolicited"));
        clock.runUntilIdle(Reflector.IDLE_LIMIT);
        String mapped = probe(client, inbox);

        assertEquals("unsolicited", inbox.all().get(0).text());
        assertEquals("203.0.113.9:7000", mapped);
        assertThrows(IllegalArgumentException.class, () -> nat.addHost("second", "10.0.0.10"));
    }

    @Test
    void shouldDropWhatReachesAOneToOneNatWithNoHostBehindIt() {
        NatRouter nat = network.internet().addNat("nat", "203.0.113.9", NatConfiguration.oneToOneNat());

        reflector.send(new InetSocketAddress(nat.externalAddress(), 7000), Inbox.bytes("nobody home"));
        clock.runUntilIdle(Reflector.IDLE_LIMIT);

        assertEquals(1, nat.drops(DropReason.NO_ROUTE));
    }

    @Test
    void shouldLetNoUdpThroughAFirewallThatBlocksIt() {
        NatRouter firewall = network.internet().addNat("firewall", "203.0.113.1",
                NatConfiguration.udpBlockingFirewall());
        VirtualUdpSocket client = firewall.addHost("client", "192.168.1.2").bind(5000);
        Inbox inbox = Inbox.of(client);

        client.send(reflector.localAddress(), Inbox.bytes("out"));
        reflector.send(new InetSocketAddress(firewall.externalAddress(), 5000), Inbox.bytes("in"));
        clock.runUntilIdle(Reflector.IDLE_LIMIT);

        assertEquals(0, inbox.size());
        assertEquals(2, firewall.drops(DropReason.UDP_BLOCKED));
    }

    @Test
    void shouldTranslateTwiceThroughADoubleNat() {
        NatRouter outer = network.internet().addNat("carrier", "203.0.113.1",
                NatConfiguration.of(ENDPOINT_INDEPENDENT, ENDPOINT_INDEPENDENT));
        NatRouter inner = outer.addNat("home", "100.64.0.2",
                NatConfiguration.of(ENDPOINT_INDEPENDENT, ADDRESS_AND_PORT_DEPENDENT));
        VirtualUdpSocket client = inner.addHost("client", "192.168.1.2").bind(5000);
        Inbox inbox = Inbox.of(client);
        Host other = network.internet().addHost("other", "198.51.100.2");
        VirtualUdpSocket stranger = other.bind(9999);

        InetSocketAddress mapped = Reflector.address(probe(client, inbox));
        stranger.send(mapped, Inbox.bytes("from a stranger"));
        clock.runUntilIdle(Reflector.IDLE_LIMIT);

        assertAll(
                () -> assertEquals(outer.externalAddress(), mapped.getAddress(), "the outer NAT's address"),
                () -> assertEquals(1, inner.mappingCount(), "the inner NAT's mapping"),
                () -> assertEquals(1, outer.mappingCount(), "the outer NAT's mapping"),
                () -> assertEquals(1, inbox.size(), "only the reflector's answer"),
                () -> assertEquals(0, outer.drops(DropReason.FILTERED), "the outer NAT lets anyone in"),
                () -> assertEquals(1, inner.drops(DropReason.FILTERED), "the inner NAT filters the stranger"));
    }

    @Test
    void shouldCountDatagramsForNoSocketAndForNoRoute() {
        server.bind(4000).close();
        VirtualUdpSocket client = network.internet().addHost("client", "198.51.100.7").bind(0);

        client.send(new InetSocketAddress(server.addresses().get(0), 4000), Inbox.bytes("closed port"));
        client.send(new InetSocketAddress(VirtualNetwork.ipv4("192.0.2.99"), 4000), Inbox.bytes("nowhere"));
        clock.runUntilIdle(Reflector.IDLE_LIMIT);

        assertEquals(1, network.drops(DropReason.NO_SOCKET));
        assertEquals(1, network.drops(DropReason.NO_ROUTE));
        assertEquals(0, network.delivered());
    }

    private String randomlyMappedAddress(long seed) {
        SimulatedClock ownClock = new SimulatedClock();
        VirtualNetwork own = new VirtualNetwork(ownClock, new Random(seed));
        VirtualUdpSocket ownReflector = Reflector.on(own.internet().addHost("server", "198.51.100.1"), STUN_PORT);
        VirtualUdpSocket client = own.internet()
                .addNat("nat", "203.0.113.1", FULL_CONE.withPortAssignment(PortAssignment.RANDOM))
                .addHost("client", "192.168.1.2").bind(5000);
        return Reflector.probe(client, Inbox.of(client), ownReflector, ownClock);
    }

    private String probe(VirtualUdpSocket socket, Inbox inbox) {
        return Reflector.probe(socket, inbox, reflector, clock);
    }
}
