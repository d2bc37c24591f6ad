package io.turnkit.ice.sim;

import java.net.InetSocketAddress;

/**
 * One UDP datagram in flight on a {@link VirtualNetwork}: the addresses in its IP and UDP headers as they are on
 * the current hop (a NAT rewrites them) and its payload, which nobody changes after sending.
 */
public record Datagram(InetSocketAddress source, InetSocketAddress destination, byte[] payload) {
    /** The same datagram with a new source, as a NAT sends it out (RFC 4787 §4). */
    Datagram withSource(InetSocketAddress newSource) {
        return new Datagram(newSource, destination, payload);
    }

    /** The same datagram with a new destination, as a NAT lets it in. */
    Datagram withDestination(InetSocketAddress newDestination) {
        return new Datagram(source, newDestination, payload);
    }
}
