package io.turnkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.util.ResourceLeakDetector;
import io.turnkit.server.config.ServerConfig;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.transport.Transports;
import io.turnkit.server.transport.nativeudp.NativeDatagramLibrary;
import io.turnkit.stun.StunAttributeType;
import io.turnkit.stun.StunMethod;

/**
 * Relays 100,000 ChannelData packets to an echo peer and back, over UDP and over DTLS, and measures what the
 * server's event-loop threads allocate per relayed packet (com.sun.management.ThreadMXBean).
 */
class RelayAllocationFreeTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int PACKETS = 100_000;
    private static final int WARM_UP = 20_000;
    private static final int WINDOW = 50;
    /**
     * Bytes per relayed datagram (each round trip relays two) on turnkit's own UDP sockets (NativeDatagramSocket):
     * none made per datagram; what is left is the odd cache miss or timer. Measured: under 1 B on JDK 17 and 25.
     */
    static final double MAX_BYTES_PER_RELAYED_DATAGRAM = 4;
    /**
     * The same on Netty's datagram channels, where the library is not built, is turned off, or cannot work (no
     * epoll, or direct buffers without memory addresses): its epoll read path makes a DatagramPacket and a new
     * InetSocketAddress (with its InetAddress) for every received datagram, and a datagram write needs a
     * DatagramPacket envelope (one per GSO run, not per datagram). Measured: about 165 B on JDK 17 and 25.
     */
    static final double MAX_BYTES_PER_RELAYED_DATAGRAM_ON_NETTY = 200;
    /**
     * Bytes per relayed datagram over DTLS, half of them a record decrypted and half encrypted: the JDK's AES-GCM
     * makes its state anew at each init, which a new nonce needs for every record. Measured: about 1,025 B on JDK
     * 17 (10,800 B while bctls protected the records).
     */
    static final double MAX_BYTES_PER_DTLS_RECORD = 2_000;

    @TempDir
    Path temp;

    @Test
    void shouldAllocateNothingPerRelayedPacket() throws Exception {
        double perDatagram = measure(TestTurnClient::udp, true);
        boolean own = NativeDatagramLibrary.isAvailable();
        assertTrue(perDatagram <= (own ? MAX_BYTES_PER_RELAYED_DATAGRAM : MAX_BYTES_PER_RELAYED_DATAGRAM_ON_NETTY),
                "event loops allocated " + perDatagram + " B per relayed datagram on " + Transports.best().name());
    }

    /** The same over DTLS, whose records the server protects itself: what is left per record is the JCA's. */
    @Test
    void shouldAllocateLittlePerDtlsRecord() throws Exception {
        double perDatagram = measure(TestTurnClient::dtls, false);
        assertTrue(perDatagram <= MAX_BYTES_PER_DTLS_RECORD,
                "event loops allocated " + perDatagram + " B per relayed DTLS datagram on " + Transports.best().name());
    }

    /** Relays through a client {@code connect} makes, and returns the bytes the event loops allocated per datagram. */
    private double measure(Client connect, boolean bursts) throws Exception {
        int base = RelayPorts.randomBase();
        ServerConfig config = ServerConfig.builder()
                .listeners(ls -> ls.addListeningIp(LOOPBACK).listeningPort(0).tlsListeningPort(0)).auth(au -> au.realm("turnkit.test"))
                .auth(au -> au.user("alice", "wonderland")).relay(rl -> rl.minPort(base).maxPort(base + RelayPorts.SIZE - 1)).peers(pe -> pe.allowLoopbackPeers(true))
                .auth(au -> au.userdb(temp.resolve("userdb"))).build();
        DatagramSocket peer = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        try (TurnServer server = TurnServer.start(config);
                TestTurnClient client = connect.to(server.listeningAddresses(true).get(0), "alice", "wonderland")) {
            InetSocketAddress relayed = client.authenticated(StunMethod.ALLOCATE, e -> e.addRequestedTransport(17))
                    .address(StunAttributeType.XOR_RELAYED_ADDRESS);
            assertTrue(client.authenticated(StunMethod.CHANNEL_BIND, e -> e.addChannelNumber(0x4000)
                    .addAddress(StunAttributeType.XOR_PEER_ADDRESS, (InetSocketAddress) peer.getLocalSocketAddress())).isSuccess());
            Thread echo = startEcho(peer, relayed);
            try {
                byte[] frame = new byte[4 + 160];
                frame[0] = 0x40;
                frame[3] = (byte) 160;
                // Measured as the server runs in production: `turnkit serve` turns the leak detector off, whose
                // sampled traces would otherwise count here.
                ResourceLeakDetector.Level detecting = ResourceLeakDetector.getLevel();
                ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
                com.sun.management.ThreadMXBean threads =
                        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long allocated;
                int echoed;
                try {
                    relay(client, frame, WARM_UP);
                    long before = eventLoopAllocatedBytes(threads);
                    echoed = relay(client, frame, PACKETS);
                    allocated = eventLoopAllocatedBytes(threads) - before;
                } finally {
                    ResourceLeakDetector.setLevel(detecting);
                }
                assertEquals(PACKETS, echoed, "every packet came back");
                if (bursts && Transports.best().udpSegmentation()) {
                    assertTrue(server.counters().get(ServerCounter.GSO_BURSTS_TO_CLIENT) > 0,
                            "frames the peer sent back to back left in GSO bursts");
                }
                return allocated / (2.0 * PACKETS);
            } finally {
                echo.interrupt();
                peer.close();
                echo.join(5000);
            }
        } finally {
            peer.close();
        }
    }

    /** How a test reaches the server. */
    private interface Client {
        TestTurnClient to(InetSocketAddress server, String username, String password) throws IOException;
    }

    /** Sends {@code count} frames in windows and returns how many came back through the relay. */
    private static int relay(TestTurnClient client, byte[] frame, int count) throws IOException {
        int received = 0;
        for (int sent = 0; sent < count; sent += WINDOW) {
            for (int i = 0; i < WINDOW; i++) {
                client.send(frame);
            }
            for (int i = 0; i < WINDOW; i++) {
                try {
                    client.receiveFrame();
                    received++;
                } catch (SocketTimeoutException e) {
                    break;
                }
            }
        }
        return received;
    }

    private static Thread startEcho(DatagramSocket peer, InetSocketAddress relayed) {
        Thread echo = new Thread(() -> {
            byte[] buffer = new byte[2048];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    packet.setLength(buffer.length);
                    peer.receive(packet);
                    peer.send(new DatagramPacket(buffer, packet.getLength(), relayed));
                }
            } catch (IOException e) {
                // The socket was closed: the test is over.
            }
        }, "echo-peer");
        echo.setDaemon(true);
        echo.start();
        return echo;
    }

    private static long eventLoopAllocatedBytes(com.sun.management.ThreadMXBean threads) {
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(Transports.EVENT_LOOP_THREAD_PREFIX)) {
                total += threads.getThreadAllocatedBytes(info.getThreadId());
            }
        }
        return total;
    }
}
