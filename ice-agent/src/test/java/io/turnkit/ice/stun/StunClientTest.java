package io.turnkit.ice.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.ice.LocalTurnServer;

/** Binding transactions against a turnkit server, and retransmission against a server that drops requests. */
class StunClientTest {
    /** Short enough for tests: requests at 0, 50, 150, 350 ms; failure at 1 s. */
    private static final TransactionTimers FAST =
            new TransactionTimers(Duration.ofMillis(50), 4, Duration.ofSeconds(1));

    @TempDir
    Path dir;

    @Test
    void shouldLearnTheMappedAddressAndSoftwareOverUdp() throws IOException {
        try (LocalTurnServer server = LocalTurnServer.start(dir, b -> b.softwareAttribute("turnkit test"));
                StunClient client = client(TransportProtocol.UDP, server.udp(), FAST)) {
            BindingResult result = client.binding();

            assertEquals(client.transport().localAddress(), result.mappedAddress());
            assertEquals("turnkit test", result.software());
            assertNull(result.otherAddress(), "turnkit does not do RFC 5780");
        }
    }

    @Test
    void shouldLearnTheMappedAddressOverTcp() throws IOException {
        try (LocalTurnServer server = LocalTurnServer.start(dir, b -> { });
                StunClient client = client(TransportProtocol.TCP, server.tcp(), FAST)) {
            BindingResult result = client.binding();

            assertEquals(client.transport().localAddress(), result.mappedAddress());
            assertNull(result.software(), "no SOFTWARE unless configured");
        }
    }

    @Test
    void shouldRunTransactionsOneAfterAnotherOnOneConnection() throws IOException {
        try (LocalTurnServer server = LocalTurnServer.start(dir, b -> { });
                StunClient client = client(TransportProtocol.TCP, server.tcp(), FAST)) {
            for (int i = 0; i < 5; i++) {
                assertEquals(client.transport().localAddress(), client.binding().mappedAddress());
            }
        }
    }

    @Test
    void shouldRetransmitUntilAnswered() throws Exception {
        try (FakeStunServer server = FakeStunServer.ignoringFirst(2);
                StunClient client = client(TransportProtocol.UDP, server.primary(), FAST)) {
            BindingResult result = client.binding();

            assertEquals(3, result.requestsSent());
            assertTrue(result.roundTrip().compareTo(Duration.ofMillis(150)) >= 0, result.roundTrip().toString());
        }
    }

    @Test
    void shouldGiveUpAfterTheLastRetransmissionTimesOut() throws Exception {
        try (FakeStunServer server = FakeStunServer.ignoringFirst(Integer.MAX_VALUE);
                StunClient client = client(TransportProtocol.UDP, server.primary(), FAST)) {
            long start = System.nanoTime();

            StunTimeoutException e = assertThrows(StunTimeoutException.class, client::binding);

            assertTrue(System.nanoTime() - start >= Duration.ofSeconds(1).toNanos());
            assertEquals("no response from udp " + Addresses.format(server.primary()) + " in 1 s (4 requests sent)",
                    e.getMessage());
            assertEquals(4, server.requests());
        }
    }

    @Test
    void shouldFailAtOnceWhenTheServerPortIsClosed() throws IOException {
        InetSocketAddress closed = closedUdpPort();
        try (StunClient client = client(TransportProtocol.UDP, closed, FAST.withTimeout(Duration.ofSeconds(20)))) {
            long start = System.nanoTime();

            IOException e = assertThrows(IOException.class, client::binding);

            assertFalse(e instanceof StunTimeoutException, e.toString());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "ICMP ends the transaction");
        }
    }

    @Test
    void shouldRefuseATcpConnectionToAClosedPort() throws IOException {
        InetSocketAddress closed = closedUdpPort();
        assertThrows(java.net.ConnectException.class,
                () -> StunTransport.open(TransportProtocol.TCP, closed, Duration.ofSeconds(5)));
    }

    @Test
    void shouldRetransmitOnTheRfc8489Schedule() {
        TransactionTimers rfc = TransactionTimers.RFC_8489;

        assertEquals(Duration.ofMillis(500).toNanos(), rfc.retransmissionNanos(1));
        assertEquals(Duration.ofMillis(1500).toNanos(), rfc.retransmissionNanos(2));
        assertEquals(Duration.ofMillis(31_500).toNanos(), rfc.retransmissionNanos(6));
        assertEquals(Duration.ofMillis(39_500), rfc.timeout(), "Rm = 16 RTOs after the seventh request");
    }

    private static StunClient client(TransportProtocol protocol, InetSocketAddress server, TransactionTimers timers)
            throws IOException {
        return new StunClient(StunTransport.open(protocol, server, Duration.ofSeconds(5)), timers);
    }

    /** A loopback port nothing listens on, UDP or TCP: just released by a socket bound to it. */
    private static InetSocketAddress closedUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }
    }
}
