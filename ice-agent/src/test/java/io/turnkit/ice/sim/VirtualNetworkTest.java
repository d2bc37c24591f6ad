package io.turnkit.ice.sim;

import static io.turnkit.ice.stun.NatBehavior.Type.ADDRESS_AND_PORT_DEPENDENT;
import static io.turnkit.ice.stun.NatBehavior.Type.ENDPOINT_INDEPENDENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;

class VirtualNetworkTest {
    private final SimulatedClock clock = new SimulatedClock();
    private final VirtualNetwork network = new VirtualNetwork(clock, new Random(1));

    /**
     * Ten simulated minutes of a keepalive every 15 s through a NAT with a 30 s mapping lifetime, while the peer
     * answers each: the mapping never lapses, and the clock ends exactly at ten minutes. (A minute of this costs
     * a few milliseconds; what is asserted is simulated time only.)
     */
    @Test
    void shouldRunTenSimulatedMinutesOfKeepalivesThroughANat() {
        VirtualUdpSocket reflector = Reflector.on(network.internet().addHost("server", "198.51.100.1"), 3478);
        NatRouter nat = network.internet().addNat("nat", "203.0.113.1",
                NatConfiguration.of(ENDPOINT_INDEPENDENT, ADDRESS_AND_PORT_DEPENDENT));
        VirtualUdpSocket client = nat.addHost("client", "192.168.1.2").bind(5000);
        Inbox inbox = Inbox.of(client);
        network.internet().setLinkConditions(LinkConditions.PERFECT.withDelay(Duration.ofMillis(40)));
        Duration interval = Duration.ofSeconds(15);
        Duration total = Duration.ofMinutes(10);
        long keepalives = total.dividedBy(interval);
        for (int i = 0; i < keepalives; i++) {
            clock.schedule(interval.multipliedBy(i), () -> client.send(reflector.localAddress(),
                    Inbox.bytes("keepalive")));
        }

        clock.runUntil(total.toNanos());

        assertEquals(total.toNanos(), clock.now());
        assertEquals(keepalives, inbox.size(), "every keepalive answered");
        assertEquals(1, inbox.all().stream().map(Inbox.Received::text).distinct().count(), "one mapping throughout");
        assertEquals(0, network.drops(DropReason.NO_MAPPING) + network.drops(DropReason.FILTERED));
        // The last answer: 40 ms to the server and 40 ms back, after the last keepalive.
        assertEquals(interval.multipliedBy(keepalives - 1).plusMillis(80).toNanos(), inbox.last().nanos());
    }

    @Test
    void shouldRefuseAnAddressTakenAndAnAddressThatIsNotIpv4() {
        network.internet().addHost("first", "198.51.100.1");

        assertThrows(IllegalArgumentException.class, () -> network.internet().addHost("second", "198.51.100.1"));
        assertThrows(IllegalArgumentException.class, () -> network.internet().addHost("named", "example.org"));
        assertThrows(IllegalArgumentException.class, () -> network.internet().addHost("big", "198.51.100.256"));
    }

    @Test
    void shouldBindEphemeralPortsAndRefuseAPortTaken() {
        Host host = network.internet().addHost("host", "198.51.100.1", "198.51.100.11");

        VirtualUdpSocket first = host.bind(0);
        VirtualUdpSocket second = host.bind(0);
        VirtualUdpSocket onSecondAddress = host.bind(host.addresses().get(1), first.localAddress().getPort());

        assertEquals(first.localAddress().getPort() + 1, second.localAddress().getPort());
        assertEquals(VirtualNetwork.ipv4("198.51.100.11"), onSecondAddress.localAddress().getAddress());
        assertThrows(IllegalArgumentException.class, () -> host.bind(first.localAddress().getPort()));
    }
}
