package io.turnkit.ice.sim;

import java.net.InetSocketAddress;

/**
 * One IP datagram in flight on a {@link VirtualNetwork}: the addresses in its IP and UDP or TCP headers as they are
 * on the current hop (a NAT rewrites them), its payload, which nobody changes after sending, and for a TCP segment
 * its {@link TcpHeader} (null for UDP).
 */
public record Datagram(InetSocketAddress source, InetSocketAddress destination, byte[] payload, TcpHeader tcp) {
    /** A UDP datagram. */
    public Datagram(InetSocketAddress source, InetSocketAddress destination, byte[] payload) {
        this(source, destination, payload, null);
    }

    /** Whether it carries a TCP segment rather than UDP. */
    public boolean isTcp() {
        return tcp != null;
    }

    /** The same datagram with a new source, as a NAT sends it out (RFC 4787 §4). */
    Datagram withSource(InetSocketAddress newSource) {
        return new Datagram(newSource, destination, payload, tcp);
    }

    /** The same datagram with a new destination, as a NAT lets it in. */
    Datagram withDestination(InetSocketAddress newDestination) {
        return new Datagram(source, newDestination, payload, tcp);
    }
}
