package io.turnkit.ice.probe;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;

/**
 * A UDP peer that sends every datagram from one relayed address back to it, on a thread of its own: the far end of
 * a {@link RelayProbe}. It answers that address only, so it cannot be used to reflect traffic at anyone else.
 */
public final class EchoPeer implements AutoCloseable {
    private static final int MAX_DATAGRAM = 65_535;
    /** A closed socket ends a blocked receive at once; the bound is for a thread that is slow to be scheduled. */
    private static final long JOIN_MILLIS = 5_000;

    private final DatagramSocket socket;
    private final InetSocketAddress relayedAddress;
    private final Thread thread;
    private volatile long echoed;

    private EchoPeer(DatagramSocket socket, InetSocketAddress relayedAddress) {
        this.socket = socket;
        this.relayedAddress = relayedAddress;
        this.thread = new Thread(this::run, "echo-peer");
        thread.setDaemon(true);
    }

    /**
     * Starts a peer on an address the relay can reach, of the relayed address's family: the loopback address when
     * the relay is on it, else the machine's address the routing table picks towards the relay.
     */
    public static EchoPeer start(InetSocketAddress relayedAddress) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(addressTowards(relayedAddress), 0));
        EchoPeer peer = new EchoPeer(socket, relayedAddress);
        peer.thread.start();
        return peer;
    }

    /** The local address packets to {@code relayed} leave from: a route lookup, nothing is sent. */
    static InetAddress addressTowards(InetSocketAddress relayed) throws IOException {
        if (relayed.getAddress().isLoopbackAddress()) {
            return relayed.getAddress();
        }
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(relayed);
            InetAddress local = probe.getLocalAddress();
            if (local == null || local.isAnyLocalAddress()) {
                throw new SocketException("no local address routes to " + relayed.getAddress().getHostAddress());
            }
            return local;
        }
    }

    /** Where the peer listens: the address the probe binds its channel to. */
    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Datagrams sent back so far. */
    public long echoed() {
        return echoed;
    }

    private void run() {
        DatagramPacket packet = new DatagramPacket(new byte[MAX_DATAGRAM], MAX_DATAGRAM);
        while (!socket.isClosed()) {
            try {
                packet.setLength(MAX_DATAGRAM);
                socket.receive(packet);
                if (relayedAddress.equals(packet.getSocketAddress())) {
                    socket.send(packet);
                    echoed++;
                }
            } catch (IOException e) {
                // Closed by close(), or an ICMP error for one datagram: the loop condition decides.
            }
        }
    }

    /** Closes the socket, which ends the thread. */
    @Override
    public void close() {
        socket.close();
        try {
            thread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
