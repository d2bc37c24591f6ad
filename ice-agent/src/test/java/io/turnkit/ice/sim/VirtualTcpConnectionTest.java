package io.turnkit.ice.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** TCP on the simulator: through a UDP-blocking firewall from inside only, reliable and ordered on a bad link. */
class VirtualTcpConnectionTest {
    private static final int PORT = 443;

    private final SimulatedClock clock = new SimulatedClock();
    private final VirtualNetwork network = new VirtualNetwork(clock, new Random(9293));
    private final Host server = network.internet().addHost("server", "198.51.100.1");
    private final NatRouter firewall = network.internet().addNat("firewall", "203.0.113.1",
            NatConfiguration.udpBlockingFirewall());
    private final Host client = firewall.addHost("client", "192.168.1.2");
    private final List<String> atServer = new ArrayList<>();

    @Test
    void shouldCarryBytesInOrderThroughAUdpBlockingFirewallOnALossyReorderingLink() {
        server.listen(PORT, accepted -> accepted.onReceive((c, bytes, now) -> {
            atServer.add(new String(bytes, StandardCharsets.UTF_8));
            c.write(bytes);
        }));
        network.internet().setLinkConditions(LinkConditions.PERFECT.withDelay(Duration.ofMillis(10))
                .withJitter(Duration.ofMillis(30)).withLossRate(0.2).withReordering(0.3, Duration.ofMillis(50)));
        VirtualTcpConnection connection = client.connect(new InetSocketAddress(server.addresses().get(0), PORT));
        List<String> echoed = new ArrayList<>();
        connection.onReceive((c, bytes, now) -> echoed.add(new String(bytes, StandardCharsets.UTF_8)));
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sent.add("segment " + i);
            connection.write(sent.get(i).getBytes(StandardCharsets.UTF_8));
        }

        clock.runUntilIdle(10_000);

        assertTrue(connection.isEstablished());
        assertEquals(sent, atServer, "every segment, in order, through the firewall");
        assertEquals(sent, echoed, "and back");
        assertEquals(0, network.drops(DropReason.LOSS), "a lost segment is sent again, not lost");
    }

    @Test
    void shouldLetNoConnectionInFromOutside() {
        client.listen(PORT, accepted -> atServer.add("accepted"));
        VirtualTcpConnection inbound = server.connect(new InetSocketAddress(firewall.externalAddress(), PORT));

        clock.runUntilIdle(1_000);

        assertEquals(List.of(), atServer);
        assertFalse(inbound.isEstablished());
        assertEquals(1, firewall.drops(DropReason.NO_MAPPING), "the SYN found no mapping");
    }
}
