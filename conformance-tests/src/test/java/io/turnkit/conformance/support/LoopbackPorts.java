package io.turnkit.conformance.support;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free ports on 127.0.0.1 for the processes a test starts. A port is free when this JVM could bind it a moment
 * ago; the process is started right after, which leaves a small window that tests accept.
 *
 * <p>Listening ports come from the kernel's ephemeral range (bind port 0). Relay port ranges come from
 * {@value #RELAY_FIRST}–{@value #RELAY_LAST}, below the ephemeral range (Linux: 32768–60999), so that the
 * kernel does not hand one of them to some client socket while a server owns the range.
 */
public final class LoopbackPorts {
    /** IPv4 on purpose: the server is started with {@code --listening-ip 127.0.0.1}. */
    public static final String LOOPBACK_IP = "127.0.0.1";
    public static final InetAddress LOOPBACK = new InetSocketAddress(LOOPBACK_IP, 0).getAddress();
    /** A second loopback address: RFC 5780's alternate address of a server on {@link #LOOPBACK_IP}. */
    public static final String ALTERNATE_IP = "127.0.0.2";
    private static final InetAddress ALTERNATE = new InetSocketAddress(ALTERNATE_IP, 0).getAddress();

    /** Room for a test class whose clients leave allocations behind (uclient on a timeout) and still make 80. */
    public static final int RELAY_RANGE_SIZE = 400;
    private static final int RELAY_FIRST = 20_000;
    private static final int RELAY_LAST = 31_999;
    private static final int RELAY_BLOCKS = (RELAY_LAST - RELAY_FIRST + 1) / RELAY_RANGE_SIZE;
    private static final int ATTEMPTS = 50;

    /** Spreads concurrent test JVMs over different blocks; within one JVM, blocks are handed out in turn. */
    private static final AtomicInteger NEXT_BLOCK =
            new AtomicInteger((int) (ProcessHandle.current().pid() % RELAY_BLOCKS));

    /** An inclusive port range, as {@code --min-port}/{@code --max-port} take it. */
    public record PortRange(int min, int max) {
    }

    private LoopbackPorts() {
    }

    /** A port free for both UDP and TCP, as a TURN listener needs (RFC 8656 §4: same port for both). */
    public static int freeUdpAndTcpPort() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
                int port = udp.getLocalPort();
                if (tcpFree(LOOPBACK, port)) {
                    return port;
                }
            } catch (SocketException e) {
                // try another one
            }
        }
        throw new IllegalStateException("no free UDP+TCP port on " + LOOPBACK_IP + " after " + ATTEMPTS + " tries");
    }

    /**
     * A port {@code p} free for UDP and TCP on {@link #LOOPBACK_IP} and {@link #ALTERNATE_IP}, with {@code p + 1}
     * free for UDP on both: RFC 5780's primary and alternate port on its two addresses.
     */
    public static int freeRfc5780Port() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
                int port = udp.getLocalPort();
                if (port < 65_535 && tcpFree(LOOPBACK, port) && tcpFree(ALTERNATE, port) && udpFree(ALTERNATE, port)
                        && udpFree(LOOPBACK, port + 1) && udpFree(ALTERNATE, port + 1)) {
                    return port;
                }
            } catch (SocketException e) {
                // try another one
            }
        }
        throw new IllegalStateException("no free RFC 5780 ports on " + LOOPBACK_IP + " and " + ALTERNATE_IP
                + " after " + ATTEMPTS + " tries");
    }


    /** Two consecutive free UDP ports {@code p, p + 1}: RTP and RTCP, as turnutils_peer listens. */
    public static int freeUdpPortPair() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try (DatagramSocket first = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
                int port = first.getLocalPort();
                if (port < 65_535 && udpFree(LOOPBACK, port + 1)) {
                    return port;
                }
            } catch (SocketException e) {
                // try another one
            }
        }
        throw new IllegalStateException("no free UDP port pair on " + LOOPBACK_IP + " after " + ATTEMPTS + " tries");
    }

    /** A block of {@value #RELAY_RANGE_SIZE} UDP ports, every one of them free, not handed out before by this JVM. */
    public static PortRange relayPortRange() {
        for (int attempt = 0; attempt < RELAY_BLOCKS; attempt++) {
            int min = RELAY_FIRST + Math.floorMod(NEXT_BLOCK.getAndIncrement(), RELAY_BLOCKS) * RELAY_RANGE_SIZE;
            PortRange range = new PortRange(min, min + RELAY_RANGE_SIZE - 1);
            if (allUdpFree(range)) {
                return range;
            }
        }
        throw new IllegalStateException("no free relay port range in " + RELAY_FIRST + "-" + RELAY_LAST);
    }

    private static boolean allUdpFree(PortRange range) {
        List<DatagramSocket> held = new ArrayList<>();
        try {
            for (int port = range.min(); port <= range.max(); port++) {
                held.add(new DatagramSocket(new InetSocketAddress(LOOPBACK, port)));
            }
            return true;
        } catch (SocketException e) {
            return false;
        } finally {
            held.forEach(DatagramSocket::close);
        }
    }

    private static boolean udpFree(InetAddress address, int port) {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, port))) {
            return socket.getLocalPort() == port;
        } catch (SocketException e) {
            return false;
        }
    }

    private static boolean tcpFree(InetAddress address, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(address, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
