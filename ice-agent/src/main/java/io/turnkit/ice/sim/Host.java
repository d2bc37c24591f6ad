package io.turnkit.ice.sim;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A host on a {@link Router}'s network with one or more IPv4 addresses, on which {@link VirtualUdpSocket}s are
 * bound, {@link VirtualTcpConnection}s made and TCP ports listened on. A datagram for a port with no socket, or a
 * TCP segment of no connection that is not a SYN to a listening port, is dropped ({@link DropReason#NO_SOCKET}), as
 * the real thing would answer it with an ICMP error or a RST that the simulated agents do not need to see.
 */
public final class Host implements NetworkNode {
    /** Where port 0 binds from: the IANA dynamic range (RFC 6335 §6). */
    private static final int FIRST_EPHEMERAL_PORT = 49152;
    private static final int LAST_PORT = 65535;

    private final String name;
    private final Router router;
    private final List<InetAddress> addresses = new ArrayList<>();
    private final Map<InetSocketAddress, VirtualUdpSocket> sockets = new HashMap<>();
    private final Map<ConnectionKey, VirtualTcpConnection> connections = new HashMap<>();
    private final Map<InetSocketAddress, Consumer<VirtualTcpConnection>> listeners = new HashMap<>();
    /** TCP ports in use: UDP's are another space (RFC 6335 §6 assigns both, apart). */
    private final Set<InetSocketAddress> tcpPorts = new HashSet<>();
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
        InetSocketAddress local =
                new InetSocketAddress(address, port == 0 ? freePort(address, sockets.keySet()) : port);
        if (sockets.containsKey(local)) {
            throw new IllegalArgumentException(name + " already has a socket on " + local);
        }
        VirtualUdpSocket socket = new VirtualUdpSocket(this, local);
        sockets.put(local, socket);
        return socket;
    }

    /**
     * Opens a TCP connection from the primary address and a free port to {@code remote}: its SYN goes out now, and
     * what is written on it waits for the SYN-ACK.
     */
    public VirtualTcpConnection connect(InetSocketAddress remote) {
        InetSocketAddress local = new InetSocketAddress(addresses.get(0), freePort(addresses.get(0), tcpPorts));
        tcpPorts.add(local);
        VirtualTcpConnection connection = VirtualTcpConnection.connect(this::send, router.network.clock(), local,
                remote);
        connections.put(new ConnectionKey(local, remote), connection);
        return connection;
    }

    /**
     * Accepts TCP connections on {@code port} of the primary address, each given to {@code onAccept} as its SYN
     * arrives.
     *
     * @throws IllegalArgumentException when the port is taken
     */
    public void listen(int port, Consumer<VirtualTcpConnection> onAccept) {
        InetSocketAddress local = new InetSocketAddress(addresses.get(0), port);
        if (!tcpPorts.add(local)) {
            throw new IllegalArgumentException(name + " already uses TCP " + local);
        }
        listeners.put(local, onAccept);
    }

    @Override
    public void receive(Datagram datagram) {
        if (datagram.isTcp()) {
            receiveSegment(datagram);
            return;
        }
        VirtualUdpSocket socket = sockets.get(datagram.destination());
        if (socket == null) {
            router.drop(DropReason.NO_SOCKET);
            return;
        }
        router.countDelivered();
        socket.deliver(datagram, router.network.clock().now());
    }

    private void receiveSegment(Datagram segment) {
        ConnectionKey key = new ConnectionKey(segment.destination(), segment.source());
        VirtualTcpConnection connection = connections.get(key);
        Consumer<VirtualTcpConnection> listener = listeners.get(segment.destination());
        if (connection == null && listener != null && segment.tcp().kind() == TcpHeader.Kind.SYN) {
            connection = VirtualTcpConnection.accept(router, segment);
            connections.put(key, connection);
            router.countDelivered();
            listener.accept(connection);
            return;
        }
        if (connection == null) {
            router.drop(DropReason.NO_SOCKET);
            return;
        }
        router.countDelivered();
        connection.receive(segment);
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

    /** A port of the dynamic range on {@code address} that {@code taken} does not hold. */
    private int freePort(InetAddress address, Set<InetSocketAddress> taken) {
        for (int tried = 0; tried <= LAST_PORT - FIRST_EPHEMERAL_PORT; tried++) {
            int port = nextEphemeralPort;
            nextEphemeralPort = port == LAST_PORT ? FIRST_EPHEMERAL_PORT : port + 1;
            if (!taken.contains(new InetSocketAddress(address, port))) {
                return port;
            }
        }
        throw new IllegalStateException("no free port on " + address.getHostAddress() + " of " + name);
    }

    @Override
    public String toString() {
        return name;
    }

    /** A connection's ends, as this host sees them. */
    private record ConnectionKey(InetSocketAddress local, InetSocketAddress remote) {
    }
}
