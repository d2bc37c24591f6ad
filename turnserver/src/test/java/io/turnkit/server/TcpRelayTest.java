package io.turnkit.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.buffer.Unpooled;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.transport.Transports;
import io.turnkit.stun.AddressAttribute;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunAttributes;
import io.turnkit.stun.StunClass;
import io.turnkit.stun.StunMessage;
import io.turnkit.stun.StunMessageEncoder;
import io.turnkit.stun.StunMessageType;
import io.turnkit.stun.StunMethod;
import io.turnkit.stun.StunValidation;

/**
 * RFC 6062 TCP allocations over loopback: Connect, ConnectionAttempt, ConnectionBind, and the bytes a client
 * data connection and a peer data connection then carry both ways; run on each TCP transport by a subclass.
 */
abstract class TcpRelayTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final String USER = "alice";
    private static final String PASSWORD = "wonderland";
    private static final int TIMEOUT_MILLIS = 5000;

    @TempDir
    Path temp;

    private final List<AutoCloseable> open = new ArrayList<>();
    private TurnServer server;
    private InetSocketAddress address;
    /** The relayed address of the last {@link #tcpAllocation()}. */
    private InetSocketAddress relayed;

    abstract Transports transports();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(Consumer<ServerConfig.Builder> settings) {
        ServerConfig.Builder builder = RelayPorts.loopbackServer(temp, USER, PASSWORD);
        settings.accept(builder);
        server = TurnServer.start(builder.build(), transports());
        address = server.listeningAddresses(false).get(0);
    }

    /** A server that lets loopback peers in, as the tests' peers are on loopback. */
    private void startWithLoopbackPeers() {
        start(b -> b.peers(pe -> pe.allowLoopbackPeers(true)));
    }

    private TestTurnClient tcpClient() throws IOException {
        TestTurnClient client = TestTurnClient.tcp(address, USER, PASSWORD);
        open.add(client);
        return client;
    }

    /** A control connection with a TCP allocation; returns the client, its relayed address is {@link #relayed}. */
    private TestTurnClient tcpAllocation() throws IOException {
        TestTurnClient control = tcpClient();
        TestTurnClient.Response allocated = control.authenticated(StunMethod.ALLOCATE,
                e -> e.addRequestedTransport(StunAttributes.TRANSPORT_TCP));
        assertTrue(allocated.isSuccess(), allocated.toString());
        relayed = allocated.address(StunAttributeType.XOR_RELAYED_ADDRESS);
        return control;
    }

    private ServerSocket peerListener() throws IOException {
        ServerSocket peer = new ServerSocket(0, 8, LOOPBACK);
        peer.setSoTimeout(TIMEOUT_MILLIS);
        open.add(peer);
        return peer;
    }

    private static Consumer<StunMessageEncoder> peer(InetSocketAddress peer) {
        return e -> e.addAddress(StunAttributeType.XOR_PEER_ADDRESS, peer);
    }

    /** A peer data connection made by a Connect, as the peer accepted it, and its CONNECTION-ID. */
    private record ConnectedPeer(Socket peer, long connectionId) {
    }

    /** A TCP allocation of a server that lets loopback peers in, and a Connect from it to a peer of the test. */
    private ConnectedPeer connectedPeer() throws IOException {
        startWithLoopbackPeers();
        ServerSocket peerListener = peerListener();
        TestTurnClient control = tcpAllocation();
        TestTurnClient.Response connected = control.authenticated(StunMethod.CONNECT,
                peer((InetSocketAddress) peerListener.getLocalSocketAddress()));
        assertTrue(connected.isSuccess(), connected.toString());
        Socket peer = peerListener.accept();
        open.add(peer);
        return new ConnectedPeer(peer, connected.uint32(StunAttributeType.CONNECTION_ID));
    }

    /** A new client connection bound by ConnectionBind to {@code connectionId}: the client data connection. */
    private Socket bind(long connectionId) throws IOException {
        TestTurnClient data = tcpClient();
        TestTurnClient.Response bound = data.authenticated(StunMethod.CONNECTION_BIND,
                e -> e.addUint32(StunAttributeType.CONNECTION_ID, connectionId));
        assertTrue(bound.isSuccess(), bound.toString());
        return data.socket();
    }

    @Test
    void shouldRelayBytesBothWaysAfterConnectAndConnectionBind() throws IOException {
        ConnectedPeer connected = connectedPeer();
        // RFC 6062 §5.2: the connection comes from the relayed address itself.
        assertEquals(relayed, connected.peer().getRemoteSocketAddress());

        Socket data = bind(connected.connectionId());
        assertEchoedBothWays(data, connected.peer(), 100_000);
        assertEquals(100_000, server.counters().get(ServerCounter.TCP_BYTES_TO_PEER));
        assertEquals(100_000, server.counters().get(ServerCounter.TCP_BYTES_TO_CLIENT));
    }

    @Test
    void shouldRelayWhatThePeerSentBeforeTheConnectionBind() throws IOException {
        ConnectedPeer connected = connectedPeer();
        byte[] early = bytes(3000);
        connected.peer().getOutputStream().write(early);

        Socket data = bind(connected.connectionId());
        assertArrayEquals(early, read(data, early.length));
    }

    @Test
    void shouldRefuseAConnectToADeniedPeerWith403() throws IOException {
        start(b -> { });
        ServerSocket peerListener = peerListener();
        TestTurnClient control = tcpAllocation();
        // Loopback is a special-purpose address: denied unless the operator allows it.
        assertEquals(403, control.authenticated(StunMethod.CONNECT,
                peer((InetSocketAddress) peerListener.getLocalSocketAddress())).errorCode());
        assertEquals(1, server.counters().get(ServerCounter.PEER_DENIED));
    }

    @Test
    void shouldRefuseASecondConnectToTheSamePeerWith446() throws IOException {
        startWithLoopbackPeers();
        ServerSocket peerListener = peerListener();
        TestTurnClient control = tcpAllocation();
        InetSocketAddress peerAddress = (InetSocketAddress) peerListener.getLocalSocketAddress();
        assertTrue(control.authenticated(StunMethod.CONNECT, peer(peerAddress)).isSuccess());
        assertEquals(446, control.authenticated(StunMethod.CONNECT, peer(peerAddress)).errorCode());
    }

    @Test
    void shouldAnswer447WhenThePeerRefusesTheConnection() throws IOException {
        startWithLoopbackPeers();
        ServerSocket closed = peerListener();
        InetSocketAddress nobody = (InetSocketAddress) closed.getLocalSocketAddress();
        closed.close();
        TestTurnClient control = tcpAllocation();
        assertEquals(447, control.authenticated(StunMethod.CONNECT, peer(nobody)).errorCode());
    }

    @Test
    void shouldRefuseAConnectionBindWithAnUnknownIdWith400() throws IOException {
        startWithLoopbackPeers();
        tcpAllocation();
        TestTurnClient data = tcpClient();
        assertEquals(400, data.authenticated(StunMethod.CONNECTION_BIND,
                e -> e.addUint32(StunAttributeType.CONNECTION_ID, ThreadLocalRandom.current().nextInt() & 0xFFFFL))
                .errorCode());
    }

    @Test
    void shouldRefuseAConnectOnAUdpAllocationWith400() throws IOException {
        startWithLoopbackPeers();
        TestTurnClient control = tcpClient();
        assertTrue(control.authenticated(StunMethod.ALLOCATE, e -> e.addRequestedTransport(17)).isSuccess());
        assertEquals(400, control.authenticated(StunMethod.CONNECT,
                peer(new InetSocketAddress(LOOPBACK, 9))).errorCode());
    }

    @Test
    void shouldRefuseATcpAllocationOverUdpWith400() throws IOException {
        startWithLoopbackPeers();
        TestTurnClient client = TestTurnClient.udp(server.listeningAddresses(true).get(0), USER, PASSWORD);
        open.add(client);
        // RFC 6062 §5.1: a TCP relay is for clients over TCP or TLS only.
        assertEquals(400, client.authenticated(StunMethod.ALLOCATE,
                e -> e.addRequestedTransport(StunAttributes.TRANSPORT_TCP)).errorCode());
    }

    /**
     * The relayed ports other processes listen on are skipped as a UDP relay's are: each TCP allocation gets a free
     * one, each collision is counted, and 508 comes only once no port of the range is left.
     */
    @Test
    void shouldSkipTheRelayPortsOtherListenersHoldAndAnswer508OnlyWhenNoneIsLeft() throws IOException {
        int base = RelayPorts.randomBase();
        int size = 40;
        int free = 4;
        start(b -> b.relay(r -> r.minPort(base).maxPort(base + size - 1)));
        int held = 0;
        for (int port = base; port < base + size - free; port++) {
            try {
                open.add(new ServerSocket(port, 1, LOOPBACK));
            } catch (BindException heldAlready) {
                // Another process has it: held all the same.
            }
            held++;
        }

        for (int i = 0; i < free; i++) {
            tcpAllocation();
            assertTrue(relayed.getPort() >= base + size - free, "allocation " + i + " on a port no listener holds: "
                    + relayed);
        }
        assertEquals(508, tcpClient().authenticated(StunMethod.ALLOCATE,
                e -> e.addRequestedTransport(StunAttributes.TRANSPORT_TCP)).errorCode());
        long collisions = server.counters().get(ServerCounter.RELAY_PORT_COLLISIONS);
        assertTrue(collisions >= held, "the last Allocate tried every port held: " + collisions + " collisions");
    }

    @Test
    void shouldRefuseATcpAllocationWith442WhenTcpRelayIsOff() throws IOException {
        start(b -> b.relay(rl -> rl.noTcpRelay(true)));
        assertEquals(442, tcpClient().authenticated(StunMethod.ALLOCATE,
                e -> e.addRequestedTransport(StunAttributes.TRANSPORT_TCP)).errorCode());
    }

    @Test
    void shouldCloseAnIncomingPeerConnectionWithoutPermission() throws IOException {
        startWithLoopbackPeers();
        tcpAllocation();
        try (Socket peer = new Socket(relayed.getAddress(), relayed.getPort())) {
            peer.setSoTimeout(TIMEOUT_MILLIS);
            // RFC 6062 §5.3: no permission for this peer, so the server closes the connection at once.
            assertEquals(-1, readOrReset(peer.getInputStream()));
        }
        assertEquals(1, server.counters().get(ServerCounter.TCP_RELAY_REFUSED));
    }

    @Test
    void shouldOfferAnIncomingPeerConnectionWithPermissionAndRelayIt() throws IOException {
        startWithLoopbackPeers();
        TestTurnClient control = tcpAllocation();
        assertTrue(control.authenticated(StunMethod.CREATE_PERMISSION,
                peer(new InetSocketAddress(LOOPBACK, 0))).isSuccess());
        Socket peer = new Socket(relayed.getAddress(), relayed.getPort());
        open.add(peer);
        peer.setSoTimeout(TIMEOUT_MILLIS);

        StunMessage attempt = new StunMessage();
        byte[] frame = control.receiveFrame();
        assertEquals(StunValidation.VALID, attempt.wrap(Unpooled.wrappedBuffer(frame), 0, frame.length).validate());
        assertEquals(StunMessageType.of(StunMethod.CONNECTION_ATTEMPT, StunClass.INDICATION), attempt.messageType());
        assertEquals(peer.getLocalSocketAddress(), new AddressAttribute()
                .wrap(attempt, attempt.findAttribute(StunAttributeType.XOR_PEER_ADDRESS)).toSocketAddress());

        Socket data = bind(StunAttributes.uint32(attempt, attempt.findAttribute(StunAttributeType.CONNECTION_ID)));
        assertEchoedBothWays(data, peer, 10_000);
    }

    @Test
    void shouldCloseTheClientDataConnectionWhenThePeerCloses() throws IOException {
        ConnectedPeer connected = connectedPeer();
        Socket peer = connected.peer();
        Socket data = bind(connected.connectionId());
        byte[] last = bytes(500);
        peer.getOutputStream().write(last);
        peer.close();
        // RFC 6062 §5.5: the client's connection closes too, after what the peer sent last.
        assertArrayEquals(last, read(data, last.length));
        assertEquals(-1, readOrReset(data.getInputStream()));
    }

    @Test
    void shouldHoldASenderBackWhileThePeerDoesNotRead() throws IOException {
        ConnectedPeer connected = connectedPeer();
        Socket peer = connected.peer();
        long connectionId = connected.connectionId();

        try (SocketChannel data = SocketChannel.open(address); Selector selector = Selector.open()) {
            TestTurnClient binder = TestTurnClient.stream(data.socket(), USER, PASSWORD);
            assertTrue(binder.authenticated(StunMethod.CONNECTION_BIND,
                    e -> e.addUint32(StunAttributeType.CONNECTION_ID, connectionId)).isSuccess());
            data.configureBlocking(false);
            data.register(selector, SelectionKey.OP_WRITE);
            // Far more than the socket buffers on both sides and the server's write buffer hold together.
            long limit = 256L << 20;
            long written = 0;
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            // The peer reads nothing: once every buffer on the way is full, the client can write no more.
            while (written < limit && selector.select(2000) > 0) {
                selector.selectedKeys().clear();
                chunk.clear();
                written += data.write(chunk);
            }
            assertTrue(written < limit, "the server took " + written + " bytes for a peer that reads nothing");

            // Then the peer reads: every byte arrives, and the client may write again.
            InputStream in = peer.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long read = 0;
            while (read < written) {
                int n = in.read(buffer);
                assertTrue(n > 0, "the relay closed after " + read + " of " + written + " bytes");
                read += n;
            }
            assertEquals(written, read);
        }
    }

    /** Random bytes from the client to the peer and back the other way arrive whole and in order. */
    private static void assertEchoedBothWays(Socket client, Socket peer, int size) throws IOException {
        byte[] up = bytes(size);
        client.getOutputStream().write(up);
        assertArrayEquals(up, read(peer, size));
        byte[] down = bytes(size);
        peer.getOutputStream().write(down);
        assertArrayEquals(down, read(client, size));
    }

    private static byte[] read(Socket socket, int size) throws IOException {
        socket.setSoTimeout(TIMEOUT_MILLIS);
        byte[] received = new byte[size];
        int at = 0;
        InputStream in = socket.getInputStream();
        while (at < size) {
            int n = in.read(received, at, size - at);
            if (n < 0) {
                throw new IOException("closed after " + at + " of " + size + " bytes: "
                        + Arrays.toString(Arrays.copyOf(received, Math.min(at, 16))));
            }
            at += n;
        }
        return received;
    }

    /** -1 at the end of the stream, which a reset also means here; fails if the connection stays open. */
    private static int readOrReset(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection stayed open", e);
        } catch (IOException reset) {
            return -1;
        }
    }

    private static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
