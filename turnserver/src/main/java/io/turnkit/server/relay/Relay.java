package io.turnkit.server.relay;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import io.turnkit.server.transport.DatagramBurst;
import io.turnkit.server.transport.UdpSocket;

/**
 * One relayed transport address of an allocation, the relay socket bound on it, and what the client sends its
 * peers through it during a read batch ({@link DatagramBurst}). An allocation has one, or one of each address
 * family when the client asked for both with ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §7.2). Used only from the
 * allocation's event loop.
 */
public final class Relay {
    private final InetSocketAddress relayedAddress;
    private final UdpSocket socket;
    private final DatagramBurst toPeers;

    Relay(InetSocketAddress relayedAddress, UdpSocket socket, DatagramBurst toPeers) {
        this.relayedAddress = relayedAddress;
        this.socket = socket;
        this.toPeers = toPeers;
    }

    public InetSocketAddress relayedAddress() {
        return relayedAddress;
    }

    int port() {
        return relayedAddress.getPort();
    }

    public UdpSocket socket() {
        return socket;
    }

    /** What the client sends its peers through this relay during one read batch. */
    public DatagramBurst toPeers() {
        return toPeers;
    }

    /** Whether this relay's address is of {@code peer}'s family, so it can reach it. Allocates nothing. */
    boolean reaches(InetAddress peer) {
        return peer instanceof Inet6Address == relayedAddress.getAddress() instanceof Inet6Address;
    }
}
