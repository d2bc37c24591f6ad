package io.turnkit.ice.sim;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * A UDP socket of a {@link Host}: {@link #send} puts a datagram on the network, and each datagram that reaches
 * the socket is given to its {@link Receiver} at the simulated time it arrives. A socket that {@link #joinGroup joined}
 * a multicast group also receives the datagrams sent to that group and its port on its network.
 */
public final class VirtualUdpSocket implements AutoCloseable {
    /** Takes the datagrams a socket receives. */
    @FunctionalInterface
    public interface Receiver {
        /**
         * @param from     the source as the network delivered it (after any NAT on the way)
         * @param bytes    the payload, the receiver's to keep
         * @param nowNanos the simulated time of arrival
         */
        void receive(VirtualUdpSocket socket, InetSocketAddress from, byte[] bytes, long nowNanos);
    }

    private static final Receiver DISCARD = (socket, from, bytes, nowNanos) -> { };

    private final Host host;
    private final InetSocketAddress localAddress;
    private final Set<InetAddress> groups = new HashSet<>();
    private Receiver receiver = DISCARD;
    private boolean closed;

    VirtualUdpSocket(Host host, InetSocketAddress localAddress) {
        this.host = host;
        this.localAddress = localAddress;
    }

    public InetSocketAddress localAddress() {
        return localAddress;
    }

    public Host host() {
        return host;
    }

    /** Sets who takes the datagrams this socket receives (until then, they are discarded). */
    public void onReceive(Receiver newReceiver) {
        this.receiver = newReceiver;
    }

    /**
     * Receives what is sent to {@code group} on this socket's port within its host's network (IP_ADD_MEMBERSHIP).
     *
     * @throws IllegalArgumentException when {@code group} is not a multicast address
     */
    public void joinGroup(InetAddress group) {
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException(group.getHostAddress() + " is not a multicast group");
        }
        groups.add(group);
    }

    boolean isMember(InetAddress group) {
        return groups.contains(group);
    }

    /**
     * Sends a copy of {@code bytes} to {@code destination}; it arrives (or not) as the network's clock runs.
     *
     * @throws IllegalStateException when the socket is closed
     */
    public void send(InetSocketAddress destination, byte[] bytes) {
        if (closed) {
            throw new IllegalStateException("socket " + localAddress + " of " + host + " is closed");
        }
        host.send(new Datagram(localAddress, destination, bytes.clone()));
    }

    /** Unbinds the socket: datagrams for its port are dropped from now on. */
    @Override
    public void close() {
        closed = true;
        host.unbind(this);
    }

    void deliver(Datagram datagram, long nowNanos) {
        receiver.receive(this, datagram.source(), Arrays.copyOf(datagram.payload(), datagram.payload().length),
                nowNanos);
    }

    @Override
    public String toString() {
        return host + " " + localAddress;
    }
}
