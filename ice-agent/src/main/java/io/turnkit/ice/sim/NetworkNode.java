package io.turnkit.ice.sim;

/**
 * What a {@link Router} hands datagrams to: a {@link Host}, or a {@link NatRouter} below it (by the NAT's external
 * address).
 *
 * <p>This is also the seam for a gateway to the real world: a node attached with {@link Router#attach} at one
 * address that sends each datagram it is given out of a real loopback socket (to an in-process TURN server, say),
 * and gives each datagram that socket receives to {@link Router#inject} with that address as its source. Such a
 * gateway must receive on its own thread and hand datagrams over as events on the network's
 * {@link SimulatedClock}, since the network is single-threaded; and it brings real time into a test, so its
 * tests wait for conditions rather than for simulated time. TCP segments come to it as datagrams too: it makes the
 * accepting end of a connection from a SYN with {@link VirtualTcpConnection#accept} and gives that end the
 * connection's further segments.
 */
public interface NetworkNode {
    /** Takes a datagram that its router delivers to it; it is addressed to one of this node's addresses. */
    void receive(Datagram datagram);
}
