package io.turnkit.ice.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.turnkit.ice.LocalTurnServer;
import io.turnkit.ice.stun.ErrorResponseException;
import io.turnkit.ice.stun.StunClient;
import io.turnkit.ice.stun.StunTransport;
import io.turnkit.ice.stun.TransactionTimers;
import io.turnkit.ice.stun.TransportProtocol;
import io.turnkit.stun.PasswordAlgorithm;

/** The TURN client against a turnkit server: the credential dance, allocation, permissions, channels, data. */
class TurnClientTest {
    private static final TransactionTimers FAST = TransactionTimers.RFC_8489.withTimeout(Duration.ofSeconds(5));
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void shouldAllocateWithSha256AfterTheChallenge() throws IOException {
        LocalTurnServer server = server(false);
        TurnClient client = client(TransportProtocol.UDP, server.udp(), LocalTurnServer.PASSWORD);

        TurnAllocation allocation = client.allocate();

        assertEquals(LOOPBACK, allocation.relayedAddress().getAddress());
        assertEquals(Duration.ofSeconds(600), allocation.lifetime());
        assertEquals(client.stun().transport().localAddress(), allocation.mappedAddress());
        assertEquals(LocalTurnServer.REALM, credentials.realm());
        assertEquals(PasswordAlgorithm.SHA256, credentials.passwordAlgorithm(), "the server offers SHA-256 first");
    }

    @Test
    void shouldReportAWrongPasswordAs401() throws IOException {
        LocalTurnServer server = server(false);
        TurnClient client = client(TransportProtocol.UDP, server.udp(), "not the password");

        ErrorResponseException e = assertThrows(ErrorResponseException.class, client::allocate);

        assertEquals(401, e.errorCode());
        assertEquals("Allocate refused: 401 Unauthenticated", e.getMessage());
    }

    @Test
    void shouldRetryWithTheFreshNonceOfA438() throws IOException {
        LocalTurnServer server = LocalTurnServer.start(dir, b -> b.auth(a -> a.staleNonce(Duration.ofSeconds(1))));
        open.add(server);
        TurnClient client = client(TransportProtocol.UDP, server.udp(), LocalTurnServer.PASSWORD);
        client.allocate();
        String firstNonce = credentials.nonce();

        // The nonce goes stale within two seconds; every Refresh until then is answered with it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (credentials.nonce().equals(firstNonce) && System.nanoTime() < deadline) {
            assertEquals(Duration.ofSeconds(600), client.refresh(Duration.ofSeconds(600)));
            client.poll(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
        }

        assertNotEquals(firstNonce, credentials.nonce(), "a 438 brought a new nonce, and the Refresh went through");
    }

    @Test
    void shouldRelayChannelDataBothWaysOverTcp() throws IOException {
        LocalTurnServer server = server(true);
        TurnClient client = client(TransportProtocol.TCP, server.tcp(), LocalTurnServer.PASSWORD);
        InetSocketAddress relayed = client.allocate().relayedAddress();
        DatagramSocket peer = peer();
        InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
        client.bindChannel(0x4001, peerAddress);
        List<String> received = new ArrayList<>();
        client.onPeerData((from, data, offset, length, nanos) -> received.add(from + " "
                + data.toString(offset, length, StandardCharsets.UTF_8)));

        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
        client.sendChannelData(0x4001, hello, 0, hello.length);
        DatagramPacket packet = receive(peer);
        assertEquals("hello", new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
        assertEquals(relayed, packet.getSocketAddress());
        peer.send(new DatagramPacket("back".getBytes(StandardCharsets.UTF_8), 4, relayed));
        pollUntil(client, () -> !received.isEmpty());

        assertEquals(List.of(peerAddress + " back"), received);
    }

    @Test
    void shouldRelayIndicationsOnceThePeerHasAPermission() throws IOException {
        LocalTurnServer server = server(true);
        TurnClient client = client(TransportProtocol.UDP, server.udp(), LocalTurnServer.PASSWORD);
        InetSocketAddress relayed = client.allocate().relayedAddress();
        DatagramSocket peer = peer();
        InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
        client.createPermission(peerAddress.getAddress());
        List<InetSocketAddress> senders = new ArrayList<>();
        client.onPeerData((from, data, offset, length, nanos) -> senders.add(from));

        byte[] ping = "ping".getBytes(StandardCharsets.UTF_8);
        client.sendIndication(peerAddress, ping, 0, ping.length);
        assertEquals(4, receive(peer).getLength());
        peer.send(new DatagramPacket(ping, ping.length, relayed));
        pollUntil(client, () -> !senders.isEmpty());

        assertEquals(List.of(peerAddress), senders, "a Data indication names the peer");
    }

    @Test
    void shouldDeleteTheAllocationOnRelease() throws IOException {
        LocalTurnServer server = server(false);
        TurnClient client = client(TransportProtocol.UDP, server.udp(), LocalTurnServer.PASSWORD);
        client.allocate();

        client.release();

        ErrorResponseException e = assertThrows(ErrorResponseException.class,
                () -> client.refresh(Duration.ofSeconds(600)));
        assertEquals(437, e.errorCode());
    }

    private LongTermCredentials credentials;

    private LocalTurnServer server(boolean allowLoopbackPeers) {
        LocalTurnServer server = LocalTurnServer.start(dir, b -> b.peers(p -> p.allowLoopbackPeers(allowLoopbackPeers)));
        open.add(server);
        return server;
    }

    private TurnClient client(TransportProtocol protocol, InetSocketAddress server, String password)
            throws IOException {
        credentials = new LongTermCredentials(LocalTurnServer.USER, password);
        TurnClient client = new TurnClient(
                new StunClient(StunTransport.open(protocol, server, Duration.ofSeconds(5)), FAST), credentials);
        open.add(client);
        return client;
    }

    private DatagramSocket peer() throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        socket.setSoTimeout(5000);
        open.add(socket);
        return socket;
    }

    private static DatagramPacket receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        socket.receive(packet);
        return packet;
    }

    /** Reads from the relay until {@code done}, for at most 5 s. */
    private static void pollUntil(TurnClient client, java.util.function.BooleanSupplier done) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            client.poll(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
