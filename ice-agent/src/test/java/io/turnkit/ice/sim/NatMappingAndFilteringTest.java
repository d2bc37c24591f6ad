package io.turnkit.ice.sim;

import static io.turnkit.ice.stun.NatBehavior.Type.ADDRESS_AND_PORT_DEPENDENT;
import static io.turnkit.ice.stun.NatBehavior.Type.ENDPOINT_INDEPENDENT;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.turnkit.ice.stun.NatBehavior;

/**
 * Every mapping behavior with every filtering behavior (RFC 4787 §4.1, §5), probed as RFC 5780 probes a real NAT:
 * a client behind the NAT sends to a reflector on two ports of one outside host and on a second outside host, and
 * compares the mapped addresses they report; then each of those three endpoints sends in to a mapping that only
 * the first was sent to.
 */
class NatMappingAndFilteringTest {
    private static final int PRIMARY_PORT = 3478;
    private static final int ALTERNATE_PORT = 3479;
    private static final int CLIENT_PORT = 40000;

    private final SimulatedClock clock = new SimulatedClock();
    private final VirtualNetwork network = new VirtualNetwork(clock, new Random(4787));
    private final Host serverA = network.internet().addHost("server-a", "198.51.100.1");
    private final Host serverB = network.internet().addHost("server-b", "198.51.100.2");
    private final VirtualUdpSocket primary = Reflector.on(serverA, PRIMARY_PORT);
    private final VirtualUdpSocket alternatePort = Reflector.on(serverA, ALTERNATE_PORT);
    private final VirtualUdpSocket otherAddress = Reflector.on(serverB, PRIMARY_PORT);

    static Stream<Arguments> behaviors() {
        return Stream.of(NatBehavior.Type.values()).flatMap(mapping -> Stream.of(NatBehavior.Type.values())
                .map(filtering -> Arguments.of(mapping, filtering)));
    }

    @ParameterizedTest(name = "{0} mapping, {1} filtering")
    @MethodSource("behaviors")
    void shouldShareAMappingExactlyAsTheMappingBehaviorSays(NatBehavior.Type mapping, NatBehavior.Type filtering) {
        Host client = network.internet().addNat("nat", "203.0.113.1", NatConfiguration.of(mapping, filtering))
                .addHost("client", "192.168.1.2");
        VirtualUdpSocket socket = client.bind(CLIENT_PORT);
        Inbox inbox = Inbox.of(socket);

        String viaPrimary = probe(socket, inbox, primary);
        String viaAlternatePort = probe(socket, inbox, alternatePort);
        String viaOtherAddress = probe(socket, inbox, otherAddress);

        assertAll(
                () -> assertEquals("203.0.113.1", viaPrimary.split(":")[0], "mapped to the NAT's address"),
                () -> assertEquals(mapping == ADDRESS_AND_PORT_DEPENDENT, !viaPrimary.equals(viaAlternatePort),
                        "a new mapping for another port of the same address: " + viaPrimary + " "
                                + viaAlternatePort),
                () -> assertEquals(mapping != ENDPOINT_INDEPENDENT, !viaPrimary.equals(viaOtherAddress),
                        "a new mapping for another address: " + viaPrimary + " " + viaOtherAddress),
                () -> assertEquals(mapping != ENDPOINT_INDEPENDENT, !viaAlternatePort.equals(viaOtherAddress),
                        "mappings for another port and for another address: " + viaAlternatePort + " "
                                + viaOtherAddress));
    }

    @ParameterizedTest(name = "{0} mapping, {1} filtering")
    @MethodSource("behaviors")
    void shouldAdmitExactlyTheSourcesTheFilteringBehaviorSays(NatBehavior.Type mapping,
            NatBehavior.Type filtering) {
        NatRouter nat = network.internet().addNat("nat", "203.0.113.1", NatConfiguration.of(mapping, filtering));
        VirtualUdpSocket socket = nat.addHost("client", "192.168.1.2").bind(CLIENT_PORT);
        Inbox inbox = Inbox.of(socket);
        InetSocketAddress mapped = Reflector.address(probe(socket, inbox, primary));

        boolean fromSameEndpoint = sendsIn(primary, mapped, inbox);
        boolean fromOtherPort = sendsIn(alternatePort, mapped, inbox);
        boolean fromOtherAddress = sendsIn(otherAddress, mapped, inbox);

        long refused = (fromOtherPort ? 0 : 1) + (fromOtherAddress ? 0 : 1);
        assertAll(
                () -> assertTrue(fromSameEndpoint, "the endpoint the client sent to"),
                () -> assertEquals(filtering != ADDRESS_AND_PORT_DEPENDENT, fromOtherPort,
                        "another port of the address the client sent to"),
                () -> assertEquals(filtering == ENDPOINT_INDEPENDENT, fromOtherAddress,
                        "an address the client never sent to"),
                () -> assertEquals(refused, nat.drops(DropReason.FILTERED), "datagrams counted as filtered"),
                () -> assertEquals(0, network.drops(DropReason.NO_MAPPING), "no datagram without a mapping"));
    }

    private String probe(VirtualUdpSocket socket, Inbox inbox, VirtualUdpSocket reflector) {
        return Reflector.probe(socket, inbox, reflector, clock);
    }

    /** Whether a datagram that {@code from} sends to {@code mapped} reaches the client. */
    private boolean sendsIn(VirtualUdpSocket from, InetSocketAddress mapped, Inbox inbox) {
        int before = inbox.size();
        from.send(mapped, Inbox.bytes("unsolicited"));
        clock.runUntilIdle(Reflector.IDLE_LIMIT);
        return inbox.size() == before + 1;
    }
}
