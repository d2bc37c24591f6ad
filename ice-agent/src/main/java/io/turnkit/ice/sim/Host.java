package io.turnkit.ice.sim;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A host on a {@link Router}'s network with one or more IPv4 addresses, on which {@link VirtualUdpSocket}s are
 * bound. A datagram for a port with no socket is dropped ({@link DropReason#NO_SOCKET}), as the real thing would
 * answer it with an ICMP error that UDP agents do not see.
 */
public final class Host implements NetworkNode {
    /** Where port 0 binds from: the IANA dynamic range (RFC 6335 §6). */
    private static final int FIRST_EPHEMERAL_PORT = 49152;
    private static final int LAST_PORT = 65535;

    private final String name;
    private final Router router;
    private final List<InetAddress> addresses = new ArrayList<>();
    private final Map<InetSocketAddress, VirtualUdpSocket> sockets = new HashMap<>();
    private int nextEphemeralPort = FIRST_EPHEMERAL_PORT;

    Host(String name, Router router) {
        this.name = name;
        this.router = router;
    }

    public String name() {
        return name;
    }

    /** Its addresses, the primary one first. */
    public List<InetAddress> addresses() {
        return List.copyOf(addresses);
    }

    /** A socket on the primary address; port 0 picks a free one from the dynamic range. */
    public VirtualUdpSocket bind(int port) {
        return bind(addresses.get(0), port);
    }

    /**
     * A socket on {@code address} (one of this host's); port 0 picks a free one.
     *
     * @throws IllegalArgumentException when the address is not this host's or the port is taken
     */
    public VirtualUdpSocket bind(InetAddress address, int port) {
        if (!addresses.contains(address)) {
            throw new IllegalArgumentException(address.getHostAddress() + " is not an address of " + name);
        }
        if (port < 0 || port > LAST_PORT) {
            throw new IllegalArgumentException("not a UDP port: " + port);
        }
        InetSocketAddress local = new InetSocketAddress(address, port == 0 ? freePort(address) : port);
        if (sockets.containsKey(local)) {
            throw new IllegalArgumentException(name + " already has a socket on " + local);
        }
        VirtualUdpSocket socket = new VirtualUdpSocket(this, local);
        sockets.put(local, socket);
        return socket;
    }

    @Override
    public void receive(Datagram datagram) {
        VirtualUdpSocket socket = sockets.get(datagram.destination());
        if (socket == null) {
            router.drop(DropReason.NO_SOCKET);
            return;
        }
        router.countDelivered();
        socket.deliver(datagram, router.network.clock().now());
    }

    /** Gives a multicast datagram to each socket on its port that joined its group; returns how many. */
    int receiveMulticast(Datagram datagram) {
        int delivered = 0;
        for (VirtualUdpSocket socket : List.copyOf(sockets.values())) {
            if (socket.localAddress().getPort() == datagram.destination().getPort()
                && socket.isMember(datagram.destination().getAddress())) {
                router.countDelivered();
                socket.deliver(datagram, router.network.clock().now());
                delivered++;
            }
        }
        return delivered;
    }

    void addAddress(InetAddress address) {
        addresses.add(address);
    }

    void send(Datagram datagram) {
        router.inject(datagram);
    }

    void unbind(VirtualUdpSocket socket) {
        sockets.remove(socket.localAddress(), socket);
    }

    private int freePort(InetAddress address) {
        for (int tried = 0; tried <= LAST_PORT - FIRST_EPHEMERAL_PORT; tried++) {
            int port = nextEphemeralPort;
            nextEphemeralPort = port == LAST_PORT ? FIRST_EPHEMERAL_PORT : port + 1;
            if (!sockets.containsKey(new InetSocketAddress(address, port))) {
                return port;
            }
        }
        throw new IllegalStateException("no free port on " + address.getHostAddress() + " of " + name);
    }

    @Override
    public String toString() {
        return name;
    }
}
